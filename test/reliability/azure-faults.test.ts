/**
 * Azure back-pressure, on the whole bot in-process (buildApp with EXECUTOR=azure; the bot
 * process cannot trust the local ARM fake's certificate or use its static token through
 * environment variables alone): the Resource Manager fake answers 30% of requests with 429
 * (Retry-After), 500, or a dropped connection (before or after handling the request). No run
 * may be lost or started twice, every final card must arrive once, and no request may be retried
 * before its Retry-After ran out. A form submit is answered within Teams' invoke timeout even
 * when Azure takes many seconds to accept the job.
 */
import { expect } from 'chai';
import { findAction } from '../support/activities.js';
import { fakeArmBotSettings, startFakeArm, TEST_ACCOUNT, type FakeArm, type RecordedArmRequest } from '../support/fake-arm.js';
import { Harness, jobOf, statusOf } from '../integration/harness.js';
import { expectEveryFinalCardOnce, postedJobIds, waitForFinalCards } from './support/final-cards.js';
import { planRuns, submitRuns, type PlannedRun } from './support/runs.js';

const RUNS = 30;
const RUNBOOK = 'Sync-Mailbox';
/** Teams gives a bot five seconds to answer an invoke before the client retries it. */
const TEAMS_INVOKE_TIMEOUT_MS = 5_000;

/** Each request's attempts (the pipeline keeps x-ms-client-request-id across retries of one request). */
function attemptsByRequest(requests: readonly RecordedArmRequest[]): RecordedArmRequest[][] {
  const byId = new Map<string, RecordedArmRequest[]>();
  for (const request of requests) {
    const id = request.headers['x-ms-client-request-id'] ?? '';
    byId.set(id, [...(byId.get(id) ?? []), request]);
  }
  return [...byId.values()];
}

describe('reliability: Azure Resource Manager throttles, fails and drops 30% of requests', function () {
  this.timeout(120_000);
  let fake: FakeArm;
  let harness: Harness;

  before(async () => {
    fake = await startFakeArm();
    fake.account(TEST_ACCOUNT).addRunbook({
      name: RUNBOOK,
      description: 'Synchronises a mailbox',
      parameters: { Mailbox: { type: 'System.String', isMandatory: true, position: 0 } },
    });
    // Each Azure job runs about a second: queued, running with a line of output, completed.
    fake.onJobCreated((job) => {
      setTimeout(() => job.setStatus('Running').write('Output', `syncing ${job.parameters.Mailbox}`), 200);
      setTimeout(() => job.setStatus('Completed').write('Output', 'mailbox in sync'), 1_200);
    });
    const { env, azureClient } = fakeArmBotSettings(fake, 200);
    harness = await Harness.start({
      env,
      // Retry delays short enough for a test; six retries make a run failing for good (0.3^7) improbable.
      overrides: { azureClient: { ...azureClient, retryOptions: { maxRetries: 6, retryDelayInMs: 50, maxRetryDelayInMs: 1_000 } } },
    });
    // The catalog learns the runbook from the account before the faults begin.
    await harness.untilRunbook(RUNBOOK);
  });
  after(async () => {
    await harness?.close();
    await fake?.close();
  });

  it('loses no run, starts none twice, delivers every final card once and honours Retry-After', async () => {
    const from = fake.requests.length;
    fake.setRandomFaults({ rate: 0.3, kinds: [429, 500, 'drop', 'drop-after'], retryAfterSeconds: 1, seed: 11 });
    const runs = planRuns(RUNS, { channels: 6, seconds: [1] });
    const mailbox = (run: PlannedRun) => `run ${RUNBOOK} -Mailbox ${run.batch}`;

    const t0 = Date.now();
    const submitted = await submitRuns(runs, harness.serviceUrl, () => harness.url, mailbox);
    expect(submitted.map((s) => s.status)).to.deep.equal(runs.map(() => 200));
    await waitForFinalCards(harness.recorder, RUNS, 90_000);
    const allFinalMs = Date.now() - t0;
    fake.setRandomFaults(undefined);

    const { requests } = harness.recorder;
    expectEveryFinalCardOnce(requests, postedJobIds(requests));
    expect(postedJobIds(requests).size).to.equal(RUNS);
    expect(harness.recorder.violations, 'Teams per-conversation limits exceeded').to.deep.equal([]);
    // One Azure job per run: a PUT retried after a dropped answer did not start a second one.
    expect(fake.jobs.map((job) => JSON.parse(job.parameters.Mailbox) as string).sort()).to.deep.equal(runs.map((r) => r.batch).sort());

    const attempts = attemptsByRequest(fake.requests.slice(from));
    const early = attempts.flatMap((tries) =>
      tries.slice(1).flatMap((retry, i) => (tries[i].fault === 429 && retry.at - tries[i].at < 1_000 ? [{ path: retry.path, afterMs: retry.at - tries[i].at }] : [])),
    );
    expect(early, 'retries sooner than Retry-After').to.deep.equal([]);
    const faults = fake.requests.slice(from).filter((r) => r.fault);
    const count = (kind: RecordedArmRequest['fault']) => faults.filter((r) => r.fault === kind).length;
    expect(count(429), 'injected 429s').to.be.above(0);
    const retried = attempts.filter((tries) => tries.length > 1);
    const waits = attempts.flatMap((tries) => tries.slice(1).flatMap((retry, i) => (tries[i].fault === 429 ? [retry.at - tries[i].at] : [])));
    console.log(
      `      ARM faults: ${RUNS} runs, all final in ${allFinalMs} ms; ${attempts.length} ARM requests in ${fake.requests.length - from} attempts; ` +
        `injected 429 ×${count(429)}, 500 ×${count(500)}, drop ×${count('drop')}, drop-after ×${count('drop-after')}; ${retried.length} requests retried; ` +
        `retry after a 429 came ${Math.min(...waits)}–${Math.max(...waits)} ms later (Retry-After 1 s); ${fake.jobs.length} Azure jobs`,
    );
  });

  it('answers a form submit within Teams’ invoke timeout while Azure takes seconds to accept the job', async () => {
    const place = planRuns(1, { channels: 1, seconds: [1] })[0];
    harness.user = place.user;
    const from = harness.recorder.mark();
    const { card: form, activityId } = await harness.ask(place.place, `run ${RUNBOOK}`);
    // Azure throttles the job creation twice, asking for 3 s each time: the start takes over 6 s.
    fake.setFault({ kind: 429, times: 2, retryAfterSeconds: 3, when: (r) => r.method === 'PUT' && r.path.includes('/jobs/') });
    const created = fake.nextJob();

    const t0 = Date.now();
    const answer = await harness.click(place.place, findAction(form, 'submitRun'), activityId, { 'p.Mailbox': 'slow-start' });
    const answeredMs = Date.now() - t0;
    expect(jobOf(answer)?.runbook).to.equal(RUNBOOK);
    expect(statusOf(answer)).to.equal('Queued');
    expect(answeredMs, 'invoke answered (ms)').to.be.below(TEAMS_INVOKE_TIMEOUT_MS);

    await created;
    const acceptedMs = Date.now() - t0;
    expect(acceptedMs, 'Azure accepted the job only after the throttling (ms)').to.be.at.least(6_000);
    const final = await harness.jobCardWithStatus(activityId, 'Completed', from);
    expect(statusOf(final)).to.equal('Completed');
    console.log(`      invoke: form submit answered in ${answeredMs} ms; Azure accepted the job after ${acceptedMs} ms; completed on the same card`);
  });
});
