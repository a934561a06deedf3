/**
 * Logs let an operator follow one request to its job: every activity is logged with its id as
 * `cid`, and the request path logs the same `cid` together with the new job's id.
 */
import { expect } from 'chai';
import { capturedLogger } from '../support/captured-logger.js';
import { findAction, personalChat, someone } from '../support/activities.js';
import { Harness, jobOf } from './harness.js';

describe('integration: correlation ids in the logs', function () {
  this.timeout(60_000);
  const { logger, lines } = capturedLogger('info');
  let harness: Harness;
  before(async () => {
    harness = await Harness.start({ overrides: { logger } });
  });
  after(async () => harness?.close());

  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('joins a typed run’s activity id to its job id', async () => {
    harness.user = someone();
    const place = personalChat(harness.user);
    const from = harness.recorder.mark();
    const { id } = await harness.post(place, 'run Get-Greeting -name Ada');
    const posted = await harness.postedJobCard(place, 'Get-Greeting', from);
    const requested = logged().find((l) => l.msg === 'run requested' && l.cid === id);
    expect(requested, 'a "run requested" line with the message id').to.include({ runbook: 'Get-Greeting', via: 'text', job: posted.jobId });
    expect(logged().some((l) => l.msg === 'activity processed' && l.cid === id)).to.equal(true);
  });

  it('joins a form submit’s invoke id to its job id', async () => {
    harness.user = someone();
    const place = personalChat(harness.user);
    const { card: form, activityId } = await harness.ask(place, 'run Get-Greeting');
    const submitted = await harness.click(place, findAction(form, 'submitRun'), activityId, { 'p.name': 'Grace' });
    const jobId = jobOf(submitted)!.jobId;
    const requested = logged().find((l) => l.msg === 'run requested' && l.job === jobId);
    expect(requested, 'a "run requested" line for the job').to.include({ via: 'form' });
    expect(requested!.cid, 'the invoke activity id').to.be.a('string').and.not.equal('');
    expect(logged().some((l) => l.msg === 'activity processed' && l.cid === requested!.cid)).to.equal(true);
  });
});
