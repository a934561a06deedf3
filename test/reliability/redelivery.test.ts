/**
 * Teams redelivers an activity when the bot answered too slowly, and a run must not start twice
 * for it. Teams message ids are timestamps, unique only within their conversation: two people
 * typing in two channels in the same millisecond send the same id, and both runs must start.
 */
import { expect } from 'chai';
import { message, postActivity, someone, teamChannel } from '../support/activities.js';
import { Harness } from '../integration/harness.js';
import { waitForJobCards } from './support/final-cards.js';

describe('reliability: redelivered messages and message ids shared across conversations', function () {
  this.timeout(60_000);
  let harness: Harness;
  before(async () => {
    harness = await Harness.start();
  });
  after(async () => harness?.close());

  it('runs a redelivered message once, and messages with the same id in two channels twice', async () => {
    const [ops, dev] = [teamChannel('ops'), teamChannel('dev')];
    const [ada, grace] = [someone('Ada'), someone('Grace')];
    const typed = message(harness.serviceUrl, ops, 'run Get-Greeting -name Ops', ada);
    const sameMillisecond = { ...message(harness.serviceUrl, dev, 'run Get-Greeting -name Dev', grace), id: typed.id };

    const answers = await Promise.all([typed, sameMillisecond, typed].map((activity) => postActivity(harness.url, activity)));
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    await waitForJobCards(harness.recorder, 2, () => true, { timeoutMs: 10_000, description: 'job cards' });

    const jobs = await harness.app.jobs.listJobs({ limit: 10 });
    expect(jobs.map((j) => [j.conversationKey, j.parameters.name]).sort()).to.deep.equal(
      [
        [dev.conversationId, 'Dev'],
        [ops.conversationId, 'Ops'],
      ].sort(),
    );
  });
});
