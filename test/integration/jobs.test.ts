/**
 * Running runbooks end to end over the real HTTP endpoint and the local executor: one job card
 * per run, updated in place until its final state, started from a form or typed, cancelled,
 * failing, timing out, and every kind of mistake answered specifically.
 */
import { expect } from 'chai';
import { activityText, cardText, cardsOf, findAction, GRACE, inputsOf, message, personalChat, postActivity, someone, teamChannel } from '../support/activities.js';
import { Harness, jobOf, statusOf } from './harness.js';

describe('integration: running runbooks', function () {
  this.timeout(60_000);
  let harness: Harness;
  before(async () => {
    harness = await Harness.start();
  });
  after(async () => harness?.close());
  beforeEach(() => {
    // Each test is a different person: one user may only request so many runs a minute.
    harness.user = someone();
  });

  it('turns a submitted form into the job card and updates that one card until it completed', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    const { card: form, activityId } = await harness.ask(place, 'run Get-Greeting');
    expect([...inputsOf(form).keys()]).to.include.members(['p.name', 'p.times', 'p.shout']);

    const submitted = await harness.click(place, findAction(form, 'submitRun'), activityId, { 'p.name': 'Ada Lovelace', 'p.times': '2' });
    const job = jobOf(submitted);
    expect(job?.runbook).to.equal('Get-Greeting');
    expect(['Queued', 'Running']).to.include(statusOf(submitted));

    const final = await harness.jobCardWithStatus(activityId, 'Completed', from);
    const text = cardText(final);
    expect(text.match(/Hello, Ada Lovelace!/g)).to.have.length(2);
    expect(text).to.contain('Ada Lovelace').and.contain('Exit code');
    expect(findAction(final, 'openForm').data).to.deep.equal({ runbook: 'Get-Greeting', fromJobId: job!.jobId });

    // One card: every message about this job after the form updated the form's own activity.
    const aboutJob = harness.recorder.requests.slice(from).filter((r) => activityText(r.activity).includes(`job ${job!.jobId}`));
    expect(aboutJob.map((r) => r.operation)).to.satisfy((ops: string[]) => ops.every((op) => op === 'update'));
    expect(new Set(aboutJob.map((r) => r.targetActivityId))).to.deep.equal(new Set([activityId]));
  });

  it('runs a typed command with double and single quoted values and a switch', async () => {
    const place = teamChannel('ops');
    const from = harness.recorder.mark();
    await harness.post(place, String.raw`run Get-Greeting -name "Ada \"the first\" Lovelace" -times 1 -shout`);
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    const final = await harness.jobCardWithStatus(posted.activityId, 'Completed', from);
    expect(cardText(final)).to.contain('HELLO, ADA "THE FIRST" LOVELACE!');

    const again = harness.recorder.mark();
    await harness.post(place, `run Get-Greeting name='O''Brien & Sons; $(whoami)'`);
    const second = await harness.postedJobCard(place, 'Get-Greeting', again);
    expect(cardText(await harness.jobCardWithStatus(second.activityId, 'Completed', again))).to.contain("Hello, O'Brien & Sons; $(whoami)!");
  });

  it('cancels a running job from its card and shows it cancelled', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Move-Storage --volume vol7 --seconds 60');
    const posted = await harness.postedJobCard(place, 'Move-Storage', from);
    const running = await harness.cardUpdate(posted.activityId, (card) => statusOf(card) === 'Running' && cardText(card).includes('moved block'), {
      from,
      description: 'running with output',
    });
    const runningCard = cardsOf(running.activity)[0];
    expect(cardText(runningCard)).to.match(/moving vol7: step \d/);

    const afterClick = await harness.click(place, findAction(runningCard, 'cancelJob'), posted.activityId);
    expect(['Cancelling', 'Cancelled']).to.include(statusOf(afterClick));
    const final = await harness.jobCardWithStatus(posted.activityId, 'Cancelled', from);
    expect(cardText(final)).to.not.contain('move complete');
    expect(() => findAction(final, 'cancelJob')).to.throw();
  });

  it('cancels with the typed cancel command', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Move-Storage -volume vol8 -seconds 60');
    const posted = await harness.postedJobCard(place, 'Move-Storage', from);
    const { card } = await harness.ask(place, `cancel ${posted.jobId}`);
    expect(cardText(card)).to.contain(`Cancelling job ${posted.jobId}`);
    await harness.jobCardWithStatus(posted.activityId, 'Cancelled', from);
  });

  it('shows a failed run with its exit code and error output', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Invoke-Failure');
    const posted = await harness.postedJobCard(place, 'Invoke-Failure', from);
    const text = cardText(await harness.jobCardWithStatus(posted.activityId, 'Failed', from));
    expect(text).to.contain('fatal: disk quota exceeded').and.contain('checking prerequisites');
    expect(text).to.match(/Exit code\n3/);
  });

  it('stops a run at its timeout and says so', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Wait-Forever');
    const posted = await harness.postedJobCard(place, 'Wait-Forever', from);
    const text = cardText(await harness.jobCardWithStatus(posted.activityId, 'Timed out', from));
    expect(text).to.contain('waiting');
  });

  it('answers a bad typed value naming the parameter, what it expects and an example', async () => {
    const { card } = await harness.ask(personalChat(harness.user), 'run Get-IncidentStatus -service mail');
    const text = cardText(card);
    expect(text).to.contain('service').and.contain('web, api, db').and.contain('run Get-IncidentStatus -service');
  });

  it('answers an unknown parameter with the closest one', async () => {
    const { card } = await harness.ask(personalChat(harness.user), 'run Get-Greeting -nmae Ada');
    expect(cardText(card)).to.contain('Get-Greeting has no parameter -nmae. Did you mean -name?');
  });

  it('answers an unclosed quote with how to close it', async () => {
    const { card } = await harness.ask(personalChat(harness.user), 'run Get-Greeting -name "Ada');
    expect(cardText(card)).to.contain('quote is never closed');
  });

  it('returns the form with the refused value marked when a submitted value is wrong', async () => {
    const place = personalChat(harness.user);
    const { card: form, activityId } = await harness.ask(place, 'run Get-Greeting');
    const answer = await harness.click(place, findAction(form, 'submitRun'), activityId, { 'p.name': 'Ada', 'p.times': 'lots' });
    expect(cardText(answer)).to.contain('times').and.contain('whole number');
    expect(inputsOf(answer).get('p.name')?.value).to.equal('Ada');
    expect(findAction(answer, 'submitRun').data?.formId).to.equal(findAction(form, 'submitRun').data?.formId);
  });

  it('refuses a form submitted by someone else and a changed card', async () => {
    const place = teamChannel('ops');
    const { card: form, activityId } = await harness.ask(place, 'run Get-Greeting');
    const submit = findAction(form, 'submitRun');
    expect(cardText(await harness.click(place, submit, activityId, { 'p.name': 'x' }, GRACE))).to.contain('opened by someone else');
    expect(cardText(await harness.click(place, submit, activityId, { 'p.name': 'x', 'p.command': 'rm -rf /' }))).to.contain('has no field command');
  });

  it('runs a message delivered twice only once', async () => {
    const place = personalChat(harness.user);
    const activity = message(harness.serviceUrl, place, 'run Get-Greeting -name Twice', harness.user);
    const from = harness.recorder.mark();
    expect((await postActivity(harness.url, activity)).status).to.equal(200);
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    const duplicateAnswer = harness.recorder.mark();
    expect((await postActivity(harness.url, activity)).status).to.equal(200);
    const notice = await harness.recorder.waitFor((r) => r.conversationId === place.conversationId && activityText(r.activity).includes('already started job'), {
      from: duplicateAnswer,
    });
    expect(activityText(notice.activity)).to.contain(posted.jobId);
  });

  it('shows jobs, one job, the history of a runbook and the full output', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Get-Greeting -name Historian -times 3');
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    const final = await harness.jobCardWithStatus(posted.activityId, 'Completed', from);

    expect(cardText((await harness.ask(place, 'jobs')).card)).to.contain(`Get-Greeting · job ${posted.jobId}`);
    expect(cardText((await harness.ask(place, `job #${posted.jobId.toUpperCase()}`)).card)).to.contain('Completed');
    expect(cardText((await harness.ask(place, 'history Get-Greeting')).card)).to.contain(posted.jobId).and.contain('Historian');
    const output = await harness.click(place, findAction(final, 'fullOutput'), posted.activityId);
    expect(cardText(output).match(/Hello, Historian!/g)).to.have.length(3);
    expect(cardText((await harness.ask(personalChat(GRACE), `job ${posted.jobId}`, GRACE)).card)).to.contain(`no job ${posted.jobId} you can see here`);
  });

  it('takes friction from a job card and lists it', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Invoke-Failure -reason "no quota"');
    const posted = await harness.postedJobCard(place, 'Invoke-Failure', from);
    const final = await harness.jobCardWithStatus(posted.activityId, 'Failed', from);
    const form = await harness.click(place, findAction(final, 'reportFriction'), posted.activityId);
    const thanks = await harness.click(place, findAction(form, 'submitFriction'), posted.activityId, { frictionText: "the quota message doesn't say which disk" });
    expect(cardText(thanks)).to.contain('your report is in');
    await harness.ask(place, 'friction typing run every time is slow');
    const list = cardText((await harness.ask(place, 'frictions')).card);
    expect(list).to.contain("the quota message doesn't say which disk").and.contain(`Invoke-Failure · job ${posted.jobId}`).and.contain('typing run every time is slow');
  });

  it('shows the audit trail of a job to auditors (everyone, in development mode)', async () => {
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    await harness.post(place, 'run Get-Greeting -name Audited');
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    await harness.jobCardWithStatus(posted.activityId, 'Completed', from);
    const text = cardText((await harness.ask(place, `audit ${posted.jobId}`)).card);
    for (const action of ['job.created', 'job.started', 'job.finished']) expect(text).to.contain(action);
  });

  it('delivers the final card through Teams throttling (429 with Retry-After)', async () => {
    const place = personalChat(harness.user);
    let throttled = 0;
    harness.recorder.injectFaults(({ operation, conversationId }) =>
      operation === 'update' && conversationId === place.conversationId && throttled++ < 5 ? { status: 429, retryAfterSeconds: 1, reason: 'test throttling' } : undefined,
    );
    try {
      const from = harness.recorder.mark();
      await harness.post(place, 'run Get-Greeting -name Patience');
      const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
      const final = await harness.jobCardWithStatus(posted.activityId, 'Completed', from);
      expect(cardText(final)).to.contain('Hello, Patience!');
      const updates = harness.recorder.requests.slice(from).filter((r) => r.operation === 'update' && r.conversationId === place.conversationId);
      expect(updates.filter((r) => r.status === 429)).to.have.length(5);
      // Retry-After was honoured: no retry came sooner than the second it asked for.
      for (let i = 1; i < updates.length; i++) if (updates[i - 1].status === 429) expect(updates[i].receivedAt - updates[i - 1].receivedAt).to.be.at.least(950);
    } finally {
      harness.recorder.injectFaults(undefined);
    }
  });

  it('kept every conversation within Teams rate limits', () => {
    expect(harness.recorder.violations).to.deep.equal([]);
  });
});
