import { expect } from 'chai';
import type { ParameterDefinition, ParameterValue } from '../../src/domain/runbook.js';
import { MAX_REQUEST_BYTES, validateValues, type ValidationIssue } from '../../src/validation/validate.js';
import { param, sampleRunbook } from './sample-runbook.js';

function accepted(definition: ParameterDefinition, raw: unknown): ParameterValue | undefined {
  const result = validateValues(sampleRunbook([definition]), { [definition.name]: raw });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to pass: ${result.issues[0].message}`);
  return result.values[definition.name];
}

function refused(definition: ParameterDefinition, raw: unknown): ValidationIssue {
  const result = validateValues(sampleRunbook([definition]), { [definition.name]: raw });
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused, got ${JSON.stringify(result.values)}`);
  expect(result.issues).to.have.length(1);
  return result.issues[0];
}

describe('validateValues: type conversion', () => {
  const accepts: [string, Partial<ParameterDefinition>, unknown, ParameterValue][] = [
    ['int from text', { type: 'int' }, '42', 42],
    ['int with sign and spaces', { type: 'int' }, ' -7 ', -7],
    ['int from a JSON number', { type: 'int' }, 12, 12],
    ['number with decimals', { type: 'number' }, '2.5', 2.5],
    ['number in exponent form', { type: 'number' }, '1e3', 1000],
    ['bool from true', { type: 'bool' }, 'true', true],
    ['bool from $false', { type: 'bool' }, '$false', false],
    ['bool from $TRUE (case)', { type: 'bool' }, '$TRUE', true],
    ['bool from a JSON boolean', { type: 'bool' }, false, false],
    ['switch from "1"', { type: 'switch' }, '1', true],
    ['switch from yes', { type: 'switch' }, 'yes', true],
    ['datetime date only', { type: 'datetime' }, '2024-02-29', '2024-02-29'],
    ['datetime with zone', { type: 'datetime' }, '2025-03-31T14:30:00Z', '2025-03-31T14:30:00Z'],
    ['datetime with offset and space', { type: 'datetime' }, '2025-03-31 14:30+02:00', '2025-03-31T14:30+02:00'],
    ['string[] from commas', { type: 'string[]' }, 'web01, web02 ,web03', ['web01', 'web02', 'web03']],
    ['string[] from lines', { type: 'string[]' }, 'a,1\nb,2\r\n', ['a,1', 'b,2']],
    ['string[] from an array', { type: 'string[]' }, ['x', 'y'], ['x', 'y']],
    ['string kept verbatim', {}, '  $(rm -rf /); `whoami` | x  ', '  $(rm -rf /); `whoami` | x  '],
    ['multi-line string', {}, 'line 1\nline 2\ttab', 'line 1\nline 2\ttab'],
    ['choice matched case-insensitively gives the canonical value', { choices: ['West-Europe', 'East-US'] }, 'west-europe', 'West-Europe'],
    ['choices per list item', { type: 'string[]', choices: ['dev', 'prod'] }, 'DEV,Prod', ['dev', 'prod']],
    ['int choice', { type: 'int', choices: ['1', '2'] }, '2', 2],
    ['pattern (PowerShell: case-insensitive)', { pattern: '^[a-z]+\\d+$' }, 'WEB01', 'WEB01'],
    ['pattern with leading (?i)', { pattern: '(?i)^srv-\\w+$' }, 'SRV-a', 'SRV-a'],
    ['range inclusive', { type: 'int', min: 1, max: 10 }, '10', 10],
    ['length inclusive', { minLength: 2, maxLength: 3 }, 'abc', 'abc'],
    ['secret not trimmed', { type: 'secret', secret: true }, ' p@ss ', ' p@ss '],
    ['credential from a form', { type: 'credential', secret: true }, { userName: 'CONTOSO\\svc', password: 'p w' }, ['CONTOSO\\svc', 'p w']],
  ];
  for (const [title, overrides, raw, expected] of accepts) {
    it(`accepts ${title}`, () => {
      expect(accepted(param('Value', overrides), raw)).to.deep.equal(expected);
    });
  }
});

describe('validateValues: refusals name the parameter, the expectation and an example', () => {
  const refusals: [string, Partial<ParameterDefinition>, unknown, RegExp, string | undefined][] = [
    ['int from words', { type: 'int' }, 'five', /-Value is not a whole number; got "five"\. Expected a whole number/, '5'],
    ['int with decimals', { type: 'int', min: 1, max: 9 }, '2.5', /Expected a whole number between 1 and 9, e\.g\. -Value 5\./, '5'],
    ['int too large', { type: 'int' }, '99999999999999999999', /is too large/, '5'],
    ['number from text', { type: 'number' }, '1,5', /is not a number; got "1,5"/, '2.5'],
    ['number infinite', { type: 'number' }, Number.POSITIVE_INFINITY, /is not a number/, '2.5'],
    ['bool from maybe', { type: 'bool' }, 'maybe', /is not true or false; got "maybe"\. Expected true or false, e\.g\. -Value true\./, 'true'],
    ['datetime in US form', { type: 'datetime' }, '03/31/2025', /is not an ISO 8601 date.*e\.g\. -Value 2025-03-31T14:30:00Z/, '2025-03-31T14:30:00Z'],
    ['datetime impossible day', { type: 'datetime' }, '2023-02-29', /is not a real calendar date/, '2025-03-31T14:30:00Z'],
    ['datetime impossible hour', { type: 'datetime' }, '2023-02-01T25:00', /is not a real calendar date/, '2025-03-31T14:30:00Z'],
    ['list for a single value', {}, ['a', 'b'], /is a list, but only one value is allowed/, 'example'],
    ['object for text', {}, { a: 1 }, /is not text/, 'example'],
    ['choice outside the set', { choices: ['eu', 'us'] }, 'moon', /is not one of the allowed values; got "moon"\. Expected one of: eu, us, e\.g\. -Value eu\./, 'eu'],
    ['list item outside the set', { type: 'string[]', choices: ['dev', 'prod'] }, 'dev,qa', /has an item \(number 2\) that is not one of the allowed values/, 'dev'],
    ['pattern mismatch with its readable message', { pattern: '^web\\d+$', patternMessage: 'a server name like web01' }, 'db01', /is not valid \(a server name like web01\)/, undefined],
    ['pattern mismatch without message', { pattern: '^web\\d+$' }, 'db01', /does not match the pattern \^web\\d\+\$/, undefined],
    ['below range', { type: 'int', min: 1, max: 65535 }, '0', /is less than 1.*between 1 and 65535/, '32768'],
    ['above range', { type: 'number', max: 1 }, '1.5', /is more than 1/, '1'],
    ['too short', { minLength: 3 }, 'ab', /is 2 characters long, shorter than the minimum of 3/, 'example'],
    ['too long', { maxLength: 3 }, 'abcd', /longer than the maximum of 3/, 'example'],
    ['blank where not empty is required', { notEmpty: true }, '   ', /must not be empty or blank/, 'example'],
    ['NUL character', {}, 'a\u0000b', /contains a NUL character/, 'example'],
    ['unpaired surrogate', {}, 'a\ud800b', /unpaired UTF-16 surrogate/, 'example'],
    ['escape character', {}, 'a\u001b[31m', /control character U\+001B/, 'example'],
    ['right-to-left override', {}, 'abc\u202Etxt.exe', /text-direction character U\+202E/, 'example'],
    ['.NET-only anchors in the definition', { pattern: '\\Aweb\\d+\\z' }, 'web1', /cannot be checked: .*only \.NET understands/, undefined],
    ['.NET possessive quantifier', { pattern: '^a++$' }, 'aa', /possessive quantifiers/, undefined],
    ['credential typed as text', { type: 'credential', secret: true }, 'svc:pw', /needs a user name and a password; enter them in the form/, undefined],
    ['credential without password', { type: 'credential', secret: true }, { userName: 'svc', password: '' }, /needs a password/, undefined],
    ['broken pattern', { pattern: '^(web' }, 'web', /is not a valid regular expression/, undefined],
    ['value too long for a pattern', { pattern: '^(a+)+$' }, 'a'.repeat(5000), /longer than 1024 characters/, undefined],
  ];
  for (const [title, overrides, raw, message, example] of refusals) {
    it(`refuses ${title}`, () => {
      const issue = refused(param('Value', overrides), raw);
      expect(issue.parameter).to.equal('Value');
      expect(issue.message).to.match(message);
      expect(issue.expected).to.be.a('string').and.not.equal('');
      expect(issue.example).to.equal(example);
    });
  }

  it('never repeats a secret value in a message', () => {
    const issue = refused(param('Password', { type: 'secret', secret: true, minLength: 12 }), 'hunter2\u0000');
    expect(issue.message).to.contain('-Password contains a NUL character');
    expect(issue.message).not.to.contain('hunter2');
  });

  it('shortens long values it quotes', () => {
    const issue = refused(param('Count', { type: 'int' }), 'x'.repeat(500));
    expect(issue.message).to.contain(`"${'x'.repeat(40)}…"`);
  });
});

describe('validateValues: presence, defaults, names', () => {
  const definitions = [
    param('Server', { required: true, aliases: ['ComputerName'] }),
    param('Pool', { default: 'DefaultAppPool' }),
    param('Force', { type: 'switch' }),
    param('Retries', { type: 'int', default: 3 }),
    param('Note'),
  ];
  const runbook = sampleRunbook(definitions);

  it('applies defaults, sets absent switches to false, leaves optional values out', () => {
    const result = validateValues(runbook, { Server: 'web01', Note: '' });
    expect(result).to.deep.equal({ ok: true, values: { Server: 'web01', Pool: 'DefaultAppPool', Force: false, Retries: 3 } });
  });

  it('reports a missing required value with an example', () => {
    const result = validateValues(runbook, {});
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.message)).to.deep.equal(['-Server is required. Expected text, e.g. -Server example.']);
  });

  it('treats an empty card input as not given', () => {
    const result = validateValues(runbook, { Server: '' });
    expect(result.ok).to.equal(false);
  });

  it('matches names case-insensitively, by alias and with a leading dash', () => {
    const byAlias = validateValues(runbook, { computername: 'web02', '-force': 'true' });
    expect(byAlias.ok && byAlias.values).to.include({ Server: 'web02', Force: true });
  });

  it('refuses a value given by name and alias', () => {
    const result = validateValues(runbook, { Server: 'a', ComputerName: 'b' });
    expect(!result.ok && result.issues[0].message).to.match(/-Server was given twice/);
  });

  it('refuses unknown parameters and lists the real ones', () => {
    const result = validateValues(runbook, { Server: 'a', Foo: 'x' });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.issues).to.deep.equal([
      {
        parameter: 'Foo',
        message: 'Foo is not a parameter of Restart-AppPool; its parameters are -Server, -Pool, -Force, -Retries, -Note.',
        expected: '-Server, -Pool, -Force, -Retries, -Note',
      },
    ]);
  });

  it('says when a runbook takes no parameters', () => {
    const result = validateValues(sampleRunbook([]), { x: 1 });
    expect(!result.ok && result.issues[0].message).to.equal('x is not a parameter of Restart-AppPool; it takes no parameters.');
  });

  it('uses Python flags in messages', () => {
    const python = sampleRunbook([param('server', { flag: '--server', required: true })], { language: 'python', name: 'check' });
    const result = validateValues(python, { '--server': '' });
    expect(!result.ok && result.issues[0].message).to.match(/^--server is required/);
    expect(validateValues(python, { '--server': 'db1' })).to.deep.equal({ ok: true, values: { server: 'db1' } });
  });

  it('matches patterns case-sensitively for Python runbooks', () => {
    const python = sampleRunbook([param('name', { pattern: '^[a-z]+$' })], { language: 'python' });
    expect(validateValues(python, { name: 'ABC' }).ok).to.equal(false);
    expect(validateValues(python, { name: 'abc' }).ok).to.equal(true);
  });

  it('reports every problem at once', () => {
    const result = validateValues(runbook, { Retries: 'many', Force: 'perhaps' });
    expect(!result.ok && result.issues.map((i) => i.parameter)).to.deep.equal(['Server', 'Force', 'Retries']);
  });

  it('refuses requests above the total size cap before looking at values', () => {
    const result = validateValues(runbook, { Server: 'a', Note: 'n'.repeat(MAX_REQUEST_BYTES) });
    expect(result.ok).to.equal(false);
    if (result.ok) return;
    expect(result.issues).to.have.length(1);
    expect(result.issues[0].parameter).to.equal('*');
    expect(result.issues[0].message).to.match(/the limit is 32 KB/);
  });
});
