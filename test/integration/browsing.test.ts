/**
 * Finding runbooks over the real HTTP endpoint: help, the menu, categories, search, mistakes
 * answered with "did you mean", @mentions in channels, and scripts added while the bot runs.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { activityText, cardText, findAction, GRACE, personalChat, postActivity, teamChannel } from '../support/activities.js';
import { Harness } from './harness.js';

describe('integration: finding runbooks', function () {
  let harness: Harness;
  before(async () => {
    harness = await Harness.start();
  });
  after(async () => harness?.close());

  it('answers help with the commands and the runbooks, as a reply to the message', async () => {
    const answer = await harness.say(personalChat(), 'help');
    expect(answer.operation).to.equal('reply');
    const text = activityText(answer.activity);
    for (const command of ['run <runbook>', 'history <runbook>', 'cancel <id>', 'friction <text>']) expect(text).to.contain(command);
    for (const runbook of ['Get-Greeting', 'Move-Storage', 'Get-IncidentStatus']) expect(text).to.contain(runbook);
  });

  it('explains one runbook with help <runbook>: parameters, choices and the command to run it', async () => {
    const { card } = await harness.ask(personalChat(), 'help get-incidentstatus');
    const text = cardText(card);
    expect(text).to.contain('Get-IncidentStatus').and.contain('service').and.contain('web').and.contain('run Get-IncidentStatus');
  });

  it('walks menu → category → runbook form with Universal Actions', async () => {
    const place = personalChat();
    const menu = await harness.ask(place, 'menu');
    expect(cardText(menu.card)).to.contain('Diagnostics (3)').and.contain('Storage (1)');

    const category = await harness.click(place, findAction(menu.card, 'category', (a) => a.data?.category === 'Diagnostics'), menu.activityId);
    const listed = cardText(category);
    expect(listed).to.contain('Get-Greeting').and.contain('Invoke-Failure').and.not.contain('Move-Storage');

    const form = await harness.click(place, findAction(category, 'openForm', (a) => a.data?.runbook === 'Get-Greeting'), menu.activityId);
    expect(cardText(form)).to.contain('Who to greet');
    expect(findAction(form, 'submitRun').data).to.have.property('formId').that.is.a('string');
  });

  it('explains a command with help <command>', async () => {
    const { card } = await harness.ask(personalChat(), 'help run');
    expect(cardText(card)).to.contain('run <runbook> -Param value').and.contain('run Restart-AppPool -Server web01');
  });

  it('answers an empty search from the menu with what to type and the way back to the menu', async () => {
    const place = personalChat();
    const menu = await harness.ask(place, 'menu');
    const answer = await harness.click(place, findAction(menu.card, 'search'), menu.activityId, { query: '  ' });
    expect(cardText(answer)).to.contain('Search needs some words');
    expect(findAction(answer, 'menu')).to.include({ verb: 'menu' });
  });

  it('searches by words and pages nothing into one giant card', async () => {
    const { card } = await harness.ask(personalChat(), 'search greet');
    expect(cardText(card)).to.contain('Get-Greeting').and.not.contain('Move-Storage');
    const empty = await harness.ask(personalChat(), 'search zebra-unicorn');
    expect(cardText(empty.card)).to.contain('Nothing matches "zebra-unicorn"');
  });

  it('answers an unknown command with "did you mean"', async () => {
    const { card } = await harness.ask(personalChat(), 'hlep');
    expect(cardText(card)).to.contain('I don\'t know the command "hlep". Did you mean help?');
  });

  it('answers a runbook name typed as a command with how to run it', async () => {
    const { card } = await harness.ask(personalChat(), 'get-greeting');
    expect(cardText(card)).to.contain('Get-Greeting is a runbook').and.contain('run Get-Greeting');
  });

  it('answers an unknown runbook with the closest names', async () => {
    const { card } = await harness.ask(personalChat(), 'run Get-Greting -name x');
    expect(cardText(card)).to.contain('There is no runbook called "Get-Greting". Did you mean Get-Greeting?');
    expect(cardText(card)).to.contain('run Get-Greeting');
  });

  it('understands @Switchboard commands in a channel and replies in the channel', async () => {
    const channel = teamChannel('ops-general');
    const answer = await harness.say(channel, 'search storage', GRACE);
    expect(answer.conversationId).to.equal(channel.conversationId);
    expect(activityText(answer.activity)).to.contain('Move-Storage');
  });

  it('opens the menu for a bare @mention', async () => {
    const { card } = await harness.ask(teamChannel('ops'), '');
    expect(cardText(card)).to.contain('Pick a category or search');
  });

  it('lists a script added while running: search, help and what is new', async () => {
    await writeFile(
      path.join(harness.runbooksDir, 'Rotate-Certificate.py'),
      '"""Rotates the TLS certificate of a web farm.\n\nCategory: Security\nTags: tls\n"""\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--farm", required=True, help="Web farm")\np.parse_args()\nprint("rotated")\n',
    );
    await harness.untilRunbook('Rotate-Certificate');
    expect(activityText((await harness.say(personalChat(), 'search certificate')).activity)).to.contain('Rotate-Certificate');
    expect(cardText((await harness.ask(personalChat(), 'help Rotate-Certificate')).card)).to.contain('Web farm');
    // The snapshot of the change is recorded asynchronously after the reload.
    const whatsNew = await waitUntil(async () => cardText((await harness.ask(personalChat(GRACE), 'new since today', GRACE)).card), (text) => text.includes('Rotate-Certificate'));
    expect(whatsNew).to.contain('Added');
  });

  it('answers "new" since the last time with nothing new the second time', async () => {
    const place = personalChat();
    await harness.ask(place, 'new');
    const second = await harness.ask(place, 'new');
    expect(cardText(second.card)).to.contain('Nothing changed since');
  });

  it('refuses a date it does not understand, with examples', async () => {
    const { card } = await harness.ask(personalChat(), 'new since last tuesday');
    expect(cardText(card)).to.contain('"last tuesday" is not a date I understand').and.contain('new since 2025-03-01');
  });

  it('reports health and readiness', async () => {
    const health = await fetch(new URL('/healthz', harness.url));
    expect(health.status).to.equal(200);
    const ready = await fetch(new URL('/readyz', harness.url));
    expect(await ready.json()).to.deep.equal({ status: 'ready', checks: { store: true, executor: true } });
  });

  it('refuses activities that are not JSON objects with 400', async () => {
    const response = await postActivity(harness.url, 'just text');
    expect(response.status).to.equal(400);
  });

  it('kept every conversation within Teams rate limits', () => {
    expect(harness.recorder.requests.length).to.be.greaterThan(15);
    expect(harness.recorder.violations).to.deep.equal([]);
  });
});

/** Repeats `probe` until `done` holds (bounded): for effects that happen after an awaited event. */
async function waitUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, attempts = 50): Promise<T> {
  let value = await probe();
  for (let i = 1; i < attempts && !done(value); i++) value = await probe();
  return value;
}
