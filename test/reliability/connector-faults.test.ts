/**
 * Teams back-pressure: the connector recorder answers 30% of the bot's requests with 429 (with
 * Retry-After) or 502 while 50 runs post and update their cards. No run may be lost, every final
 * card must arrive exactly once, Teams' per-conversation limits must hold, and after a 429 the bot
 * must leave that conversation alone for as long as Retry-After said.
 */
import { expect } from 'chai';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { ConnectorRecorder, type FaultInjector } from '../support/connector-recorder.js';
import { expectEveryFinalCardOnce, postedJobIds, retryAfterBreaches, waitForFinalCards } from './support/final-cards.js';
import { planRuns, submitRuns } from './support/runs.js';
import { createWorkspace, type Workspace } from './support/workspace.js';

const RUNS = 50;
const FAULT_RATE = 0.3;

/** 30% of requests fail: half of them 429 with Retry-After 1 or 2 s, half 502. */
const teamsUnderPressure: FaultInjector = () => {
  if (Math.random() >= FAULT_RATE) return undefined;
  return Math.random() < 0.5
    ? { status: 429, retryAfterSeconds: Math.random() < 0.5 ? 1 : 2, reason: 'injected throttling' }
    : { status: 502, reason: 'injected bad gateway' };
};

describe('reliability: the connector throttles and fails 30% of requests', function () {
  this.timeout(180_000);
  let workspace: Workspace;
  let recorder: ConnectorRecorder;
  let bot: BotProcess | undefined;

  before(async () => {
    [workspace, recorder] = await Promise.all([createWorkspace(), ConnectorRecorder.start()]);
  });
  after(async () => {
    await bot?.kill();
    await recorder?.close();
    await workspace?.remove();
  });

  it('loses no run, keeps Teams’ limits and honours Retry-After', async () => {
    bot = await startBotProcess({ env: workspace.env({ INSTANCE_ID: 'connector-faults' }) });
    recorder.injectFaults(teamsUnderPressure);
    const runs = planRuns(RUNS, { channels: 10, seconds: [2, 3] });

    const t0 = Date.now();
    const submitted = await submitRuns(runs, recorder.url, () => bot!.url);
    expect(submitted.map((s) => s.status)).to.deep.equal(runs.map(() => 200));
    await waitForFinalCards(recorder, RUNS, 150_000);
    const allFinalMs = Date.now() - t0;
    expect(await bot.stop('SIGTERM')).to.equal(0);

    const { requests } = recorder;
    const { repeatedUpdates } = expectEveryFinalCardOnce(requests, postedJobIds(requests));
    expect(postedJobIds(requests).size).to.equal(RUNS);
    expect(recorder.violations, 'Teams per-conversation limits exceeded').to.deep.equal([]);
    expect(retryAfterBreaches(requests), 'requests to a conversation before its Retry-After ran out').to.deep.equal([]);
    expect(repeatedUpdates).to.equal(0);

    const throttled = requests.filter((r) => r.fault?.status === 429);
    const failed = requests.filter((r) => r.fault?.status === 502);
    expect(throttled.length, 'injected 429s').to.be.above(10);
    expect(failed.length, 'injected 502s').to.be.above(10);
    const waits = throttled.flatMap((t) => {
      const next = requests.find((r) => r.index > t.index && r.conversationId === t.conversationId);
      return next ? [{ asked: t.fault!.retryAfterSeconds! * 1000, waited: next.receivedAt - t.receivedAt }] : [];
    });
    console.log(
      `      connector faults: ${RUNS} runs, all final in ${allFinalMs} ms; ${requests.length} requests, ${throttled.length} answered 429, ` +
        `${failed.length} answered 502; after a 429 the conversation's next request came ${Math.min(...waits.map((w) => w.waited - w.asked))}–` +
        `${Math.max(...waits.map((w) => w.waited - w.asked))} ms after Retry-After ran out; 0 limit violations`,
    );
  });
});
