import { expect } from 'chai';
import {
  CREDENTIAL_USER_SUFFIX,
  exampleValue,
  PARAM_INPUT_PREFIX,
  readFormInputs,
  runbookFormCard,
  runCommandExample,
  TARGET_INPUT_ID,
  TIME_INPUT_SUFFIX,
  Verb,
} from '../../src/cards/index.js';
import { SECRET_MASK } from '../../src/domain/job.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import { everyTypeRunbook, param, runbook } from './fixtures.js';
import { executeActions, nodesOfType, visibleText } from './validate.js';

type Input = Record<string, unknown>;

function inputs(card: AdaptiveCard): Map<string, Input> {
  const all = ['Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet'].flatMap((t) => nodesOfType(card, t));
  return new Map(all.map((i) => [String(i.id), i]));
}

const id = (name: string) => PARAM_INPUT_PREFIX + name;

describe('runbook form', () => {
  const card = runbookFormCard({ runbook: everyTypeRunbook, formId: 'form-1' });
  const byId = inputs(card);
  const input = (name: string, suffix = '') => {
    const found = byId.get(id(name) + suffix);
    if (!found) throw new Error(`no input ${id(name) + suffix} in ${[...byId.keys()].join(', ')}`);
    return found;
  };

  it('has one input per parameter (two for credentials and dates), each with a label', () => {
    expect(byId.size).to.equal(everyTypeRunbook.parameters.length + 2);
    for (const i of byId.values()) expect(i.label, String(i.id)).to.be.a('string').and.not.equal('');
  });

  it('maps each parameter type to the matching input', () => {
    expect(input('ServerName')).to.include({ type: 'Input.Text', isRequired: true });
    expect(input('Environment')).to.include({ type: 'Input.ChoiceSet', style: 'compact', isMultiSelect: false, isRequired: true });
    expect((input('Environment').choices as unknown[]).length).to.equal(3);
    expect(input('Count')).to.include({ type: 'Input.Number', min: 1, max: 10, value: 3 });
    expect(input('Ratio')).to.include({ type: 'Input.Number', min: 0, max: 1 });
    expect(input('Force')).to.include({ type: 'Input.Toggle', value: 'false', valueOn: 'true', valueOff: 'false' });
    expect(input('Enabled')).to.include({ type: 'Input.Toggle', value: 'true' });
    expect(input('StartAt')).to.include({ type: 'Input.Date' });
    expect(input('StartAt', TIME_INPUT_SUFFIX)).to.include({ type: 'Input.Time' });
    expect(input('Servers')).to.include({ type: 'Input.Text', isMultiline: true, placeholder: 'one value per line' });
    expect(input('Regions')).to.include({ type: 'Input.ChoiceSet', isMultiSelect: true });
    expect(input('Label')).to.include({ type: 'Input.Text', maxLength: 20, value: 'nightly' });
    expect(input('ApiKey')).to.include({ type: 'Input.Text', style: 'Password', isRequired: true });
    expect(input('Token')).to.include({ type: 'Input.Text', style: 'Password' });
    expect(input('Account')).to.include({ type: 'Input.Text', style: 'Password' });
    expect(input('Account', CREDENTIAL_USER_SUFFIX)).to.include({ type: 'Input.Text' });
    expect(input('Account', CREDENTIAL_USER_SUFFIX).style).to.equal(undefined);
  });

  it('shows help text and constraints under the inputs', () => {
    const text = visibleText(card);
    expect(text).to.include('The server to act on.');
    expect(text).to.include('Servers to include. · one value per line');
    expect(text).to.include('3–20 characters');
    expect(text).to.include('a whole number between 1 and 10');
  });

  it('gives required inputs a message saying what is missing, with an example', () => {
    expect(input('ServerName').errorMessage).to.equal('ServerName is required. Example: web07');
    expect(input('Environment').errorMessage).to.equal('Pick a value for Environment.');
    expect(input('Count').errorMessage).to.equal('Count must be a whole number between 1 and 10. Example: 5');
    expect(input('StartAt').errorMessage).to.match(/StartAt needs a date, e\.g\. 2025-01-31/);
  });

  it("uses the pattern's own message, or a readable default with an example generated from the pattern", () => {
    expect(input('Ticket').errorMessage).to.equal('Ticket is required. Ticket must look like INC0012345. Example: INC0012345');
    const digits = String(input('Digits').errorMessage);
    expect(digits).to.match(/^Digits must match the pattern \^\\d\{4\}\$\. Example: \d{4}$/);
  });

  it('checks a pattern on the client only where the client agrees with the server', () => {
    // PowerShell matches [ValidatePattern] ignoring case; a case-sensitive card regex would refuse inc0012345.
    expect(input('Ticket').regex).to.equal(undefined);
    // No letters: case does not matter, so the card checks it.
    expect(input('Digits').regex).to.equal('^\\d{4}$');
    const python = runbookFormCard({ runbook: runbook({ language: 'python', parameters: [param('name', { pattern: '^[a-z]+$' })] }), formId: 'f' });
    expect(inputs(python).get(id('name'))?.regex).to.equal('^[a-z]+$');
    const dotnetOnly = runbookFormCard({ runbook: runbook({ language: 'python', parameters: [param('name', { pattern: '(?<=x)\\p{Lu}++' })] }), formId: 'f' });
    expect(inputs(dotnetOnly).get(id('name'))?.regex).to.equal(undefined);
  });

  it('never prefills a secret, not even from a default or an earlier run', () => {
    const again = runbookFormCard({ runbook: everyTypeRunbook, formId: 'f', prefill: { ApiKey: 'hunter2', Token: 'tok-123', Account: 'FABRIKAM\\admin' } });
    const json = JSON.stringify(again);
    for (const secret of ['hunter2', 'tok-123', 'FABRIKAM\\\\admin', 'should-never-show']) expect(json).not.to.include(secret);
    for (const name of ['ApiKey', 'Token', 'Account']) expect(inputs(again).get(id(name))?.value).to.equal(undefined);
  });

  it('fills in the values of an earlier run over the defaults ("run again"), skipping masked values', () => {
    const again = inputs(
      runbookFormCard({
        runbook: everyTypeRunbook,
        formId: 'f',
        prefill: { Count: 7, Force: true, Enabled: false, Servers: ['a', 'b'], Regions: ['eastus', 'mars'], StartAt: '2025-03-02T08:30:00Z', Environment: 'staging', Label: SECRET_MASK },
      }),
    );
    expect(again.get(id('Count'))?.value).to.equal(7);
    expect(again.get(id('Force'))?.value).to.equal('true');
    expect(again.get(id('Enabled'))?.value).to.equal('false');
    expect(again.get(id('Servers'))?.value).to.equal('a\nb');
    expect(again.get(id('Regions'))?.value).to.equal('eastus');
    expect(again.get(id('StartAt'))?.value).to.equal('2025-03-02');
    expect(again.get(id('StartAt') + TIME_INPUT_SUFFIX)?.value).to.equal('08:30');
    // A value no longer among the choices is left for the user to pick.
    expect(again.get(id('Environment'))?.value).to.equal(undefined);
    expect(again.get(id('Label'))?.value).to.equal(undefined);
  });

  it('shows server-side errors next to their parameter and summarises them', () => {
    const withErrors = runbookFormCard({
      runbook: everyTypeRunbook,
      formId: 'f',
      errors: { Ticket: 'Ticket must look like INC0012345.', _total: 'The values are too large together.' },
      message: 'Run again with the values of job 4k2x.',
    });
    const text = visibleText(withErrors);
    expect(text).to.include('⚠️ Ticket must look like INC0012345.');
    expect(text).to.include('Run again with the values of job 4k2x. Fix 2 values marked below and run again. The values are too large together.');
  });

  it('submits only the form id with Action.Execute, and leaves without validating inputs', () => {
    const [run, menu] = card.actions as Record<string, unknown>[];
    expect(run).to.deep.include({ type: 'Action.Execute', verb: Verb.submitRun, data: { formId: 'form-1' } });
    expect(menu).to.deep.include({ verb: Verb.menu, associatedInputs: 'none' });
  });

  it('says so when a runbook takes no parameters', () => {
    const empty = runbookFormCard({ runbook: runbook({ parameters: [] }), formId: 'f' });
    expect(visibleText(empty)).to.include('This runbook takes no parameters.');
    expect(executeActions(empty).map((a) => a.verb)).to.deep.equal([Verb.submitRun, Verb.menu]);
  });

  it('keeps user text literal: template syntax in a synopsis is not evaluated', () => {
    const sneaky = runbookFormCard({ runbook: runbook({ synopsis: 'Shows ${formId} and ${$root.name}' }), formId: 'secret-form' });
    expect(visibleText(sneaky)).to.include('Shows ${formId} and ${$root.name}');
  });
});

describe('readFormInputs', () => {
  it('reads each parameter back from its inputs, undoing the form layout', () => {
    const values = readFormInputs(everyTypeRunbook, {
      formId: 'form-1',
      [id('ServerName')]: 'web07',
      [id('Count')]: '5',
      [id('Force')]: 'true',
      [id('StartAt')]: '2025-03-02',
      [id('StartAt') + TIME_INPUT_SUFFIX]: '08:30',
      [id('Servers')]: 'web01\r\n\nweb02 \n',
      [id('Regions')]: 'westeurope,eastus',
      [id('Account') + CREDENTIAL_USER_SUFFIX]: 'CONTOSO\\svc',
      [id('Account')]: 'pa55',
      [id('Label')]: '',
      [id('Ticket')]: { injected: true },
      [id('NotAParameter')]: 'x',
    });
    expect(values).to.deep.equal({
      ServerName: 'web07',
      Count: '5',
      Force: 'true',
      StartAt: '2025-03-02T08:30',
      Servers: ['web01', 'web02'],
      Regions: ['westeurope', 'eastus'],
      Account: { userName: 'CONTOSO\\svc', password: 'pa55' },
    });
  });

  it('keeps a date without a time as a date', () => {
    expect(readFormInputs(everyTypeRunbook, { [id('StartAt')]: '2025-03-02' })).to.deep.equal({ StartAt: '2025-03-02' });
  });
});

describe('examples for parameters', () => {
  const rb = runbook({
    examples: ['Restart-AppPool -Server "web 01" -Pool:admin', 'python x.py --path /var/log'],
    parameters: [
      param('Server'),
      param('Pool', { choices: ['api', 'admin'] }),
      param('Path', { flag: '--path' }),
      param('Port', { type: 'int', min: 1024, max: 65535 }),
      param('Code', { pattern: '^[A-Z]{3}-\\d{2}$' }),
      param('Password', { type: 'secret', secret: true, default: 'x' }),
    ],
  });
  const p = (name: string) => rb.parameters.find((x) => x.name === name)!;

  it("takes values from the runbook's own examples first", () => {
    expect(exampleValue(rb, p('Server'))).to.equal('web 01');
    expect(exampleValue(rb, p('Pool'))).to.equal('admin');
    expect(exampleValue(rb, p('Path'))).to.equal('/var/log');
  });

  it('falls back to the range, and to a stable value generated from the pattern', () => {
    expect(exampleValue(rb, p('Port'))).to.equal('1024');
    const code = exampleValue(rb, p('Code'));
    expect(code).to.match(/^[A-Z]{3}-\d{2}$/i);
    expect(exampleValue(rb, p('Code'))).to.equal(code);
  });

  it('never gives an example for a secret', () => {
    expect(exampleValue(rb, p('Password'))).to.equal(undefined);
  });

  it('builds a run command with the required parameters and keeps secrets out of chat', () => {
    expect(runCommandExample(everyTypeRunbook)).to.equal(
      'run Invoke-EverythingAtOnce -ServerName web07 -Ticket INC0012345 -Environment dev\n' +
        '# ApiKey, Account, Token: secret, enter in the form (Run… button)',
    );
    expect(runCommandExample(runbook({ parameters: [param('Name', { required: true })] }))).to.equal('run Restart-AppPool -Name <Name>');
  });
});

describe('runbook form: choosing the target', () => {
  const cloudRunbook = runbook({ target: 'cloud' });

  it('offers "Run on" with readable titles, the runbook own target selected, when there is a choice', () => {
    const card = runbookFormCard({ runbook: cloudRunbook, formId: 'form-t', targetChoices: ['cloud', 'OnPrem-Web', 'Branch-Office'] });
    const choice = inputs(card).get(TARGET_INPUT_ID);
    expect(choice).to.include({ type: 'Input.ChoiceSet', label: 'Run on', style: 'compact', value: 'cloud' });
    expect(choice?.choices).to.deep.equal([
      { title: 'Azure cloud sandbox', value: 'cloud' },
      { title: 'Hybrid worker group OnPrem-Web', value: 'OnPrem-Web' },
      { title: 'Hybrid worker group Branch-Office', value: 'Branch-Office' },
    ]);
  });

  it('keeps a target chosen earlier selected when the form comes back', () => {
    const card = runbookFormCard({ runbook: cloudRunbook, formId: 'form-t', targetChoices: ['cloud', 'OnPrem-Web'], target: 'OnPrem-Web' });
    expect(inputs(card).get(TARGET_INPUT_ID)?.value).to.equal('OnPrem-Web');
  });

  it('shows no choice with one target or none', () => {
    expect(inputs(runbookFormCard({ runbook: cloudRunbook, formId: 'form-t', targetChoices: ['cloud'] })).has(TARGET_INPUT_ID)).to.equal(false);
    expect(inputs(runbookFormCard({ runbook: cloudRunbook, formId: 'form-t' })).has(TARGET_INPUT_ID)).to.equal(false);
  });
});
