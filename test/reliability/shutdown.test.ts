/**
 * Shutdown test: SIGTERM while 20 pieces of work are in flight — 10 activities whose answers the
 * connector holds back (the turns cannot finish yet) and the job cards of 10 runs queued behind
 * them. Nothing may be lost: every activity is answered, every card delivered, the runs stored
 * and their leases released (so another instance could take them at once), exit code 0. A bot
 * started afterwards picks the runs up at once and finishes them.
 */
import path from 'node:path';
import { expect } from 'chai';
import { isFinal } from '../../src/domain/job.js';
import { createStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { cardsOf, message, postActivity } from '../support/activities.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { expectEveryFinalCardOnce, postedJobIds, waitForFinalCards } from './support/final-cards.js';
import { planRuns, submitRuns } from './support/runs.js';
import { createWorkspace, RUNBOOK, type Workspace } from './support/workspace.js';

const RUNS = 10;
const FORMS = 10;

describe('reliability: SIGTERM with 20 requests in flight', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let recorder: ConnectorRecorder;
  const bots: BotProcess[] = [];

  before(async () => {
    [workspace, recorder] = await Promise.all([createWorkspace(), ConnectorRecorder.start()]);
  });
  after(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    await recorder?.close();
    await workspace?.remove();
  });

  it('answers every request, delivers every card, stores the runs, releases their leases and exits 0', async () => {
    const env = workspace.env({ INSTANCE_ID: 'shutdown-test' });
    const bot = await startBotProcess({ env });
    bots.push(bot);
    // One channel each: a conversation has one message in flight at a time (the outbox keeps its order).
    const runs = planRuns(RUNS, { channels: RUNS, seconds: [12] });
    const askers = planRuns(FORMS, { channels: FORMS, seconds: [0] });

    const release = recorder.hold();
    const runAnswers = submitRuns(runs, recorder.url, () => bot.url);
    // `run Copy-Batch` without values is answered with its form, in the turn: held at the connector.
    const formAnswers = askers.map((asker) => postActivity(bot.url, message(recorder.url, asker.place, `run ${RUNBOOK}`, asker.user)));
    await recorder.waitFor((r) => r.index === RUNS + FORMS - 1, { timeoutMs: 30_000, description: '10 job cards and 10 forms, held' });

    const exit = bot.stop('SIGTERM');
    await bot.waitForLog((line) => String(line.msg).startsWith('shutting down'));
    const releasedAt = Date.now();
    release();
    expect(await exit, 'exit code').to.equal(0);
    const stopMs = Date.now() - releasedAt;

    expect((await runAnswers).map((a) => a.status)).to.deep.equal(runs.map(() => 200));
    expect((await Promise.all(formAnswers)).map((a) => a.status)).to.deep.equal(askers.map(() => 200));
    const forms = recorder.requests.filter((r) => cardsOf(r.activity).some((card) => JSON.stringify(card).includes('submitRun')));
    expect(forms.filter((r) => r.status < 300)).to.have.length(FORMS);
    const jobIds = postedJobIds(recorder.requests);
    expect(jobIds.size, 'job cards delivered').to.equal(RUNS);

    const store = await createStore({ kind: 'sqlite', path: path.join(workspace.dataDir, 'switchboard.db') }, silentLogger());
    try {
      const jobs = await store.listJobs({ limit: 100 });
      expect(jobs.map((j) => j.id).sort()).to.deep.equal([...jobIds].sort());
      expect(jobs.every((j) => j.executorJobId && j.cardActivityId), 'runs stored with executor job and card').to.equal(true);
      expect(jobs.filter((j) => isFinal(j.status)), 'runs that ended before the shutdown (they should still run)').to.deep.equal([]);
      // Released, not merely left to expire (the TTL is a minute): someone else gets every lease now.
      for (const job of jobs) expect(await store.acquireLease(`job:${job.id}`, 'another-instance', 1, new Date()), `lease of ${job.id}`).to.not.equal(undefined);
    } finally {
      await store.close();
    }

    const next = await startBotProcess({ env });
    bots.push(next);
    await waitForFinalCards(recorder, RUNS, 60_000);
    expect(await next.stop('SIGTERM')).to.equal(0);
    const resumed = next.logs.find((line) => line.msg === 'resumed jobs of an earlier run') as { reattached?: string[] } | undefined;
    expect(resumed?.reattached?.sort(), 'runs the next bot took over at start').to.deep.equal([...jobIds].sort());
    expectEveryFinalCardOnce(recorder.requests, jobIds);
    console.log(`      shutdown: ${RUNS + FORMS} requests in flight at SIGTERM, all answered; exit 0 ${stopMs} ms after the connector let go; the next bot finished all ${RUNS} runs`);
  });
});
