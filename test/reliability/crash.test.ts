/**
 * Crash test: 50 runs on the real bot process (local executor, SQLite), `kill -9` while they
 * run, the bot started again on the same data folder. Every run must end with exactly one final
 * card at the connector, completed, and the store must agree. The processes keep their default
 * identity (pid@host), so the restarted bot takes the runs over once the dead one's leases ran
 * out — a short TTL keeps that quick.
 */
import path from 'node:path';
import { expect } from 'chai';
import { createStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { expectEveryFinalCardOnce, finalCardsByJob, isStartedCard, postedJobIds, waitForFinalCards, waitForJobCards } from './support/final-cards.js';
import { planRuns, submitRuns } from './support/runs.js';
import { createWorkspace, type Workspace } from './support/workspace.js';

const RUNS = 50;
const LEASE_TTL_MS = 6_000;

describe('reliability: kill -9 while 50 runs are running', function () {
  this.timeout(180_000);
  let workspace: Workspace;
  let recorder: ConnectorRecorder;
  const bots: BotProcess[] = [];

  before(async () => {
    workspace = await createWorkspace();
    recorder = await ConnectorRecorder.start();
  });
  after(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    await recorder?.close();
    await workspace?.remove();
  });

  it('a restarted bot finishes tracking every run and posts every final card exactly once', async () => {
    const env = workspace.env({ JOB_LEASE_TTL_MS: String(LEASE_TTL_MS), JOB_RESUME_INTERVAL_MS: '1000' });
    const first = await startBotProcess({ env });
    bots.push(first);
    const runs = planRuns(RUNS, { channels: 10, seconds: [4, 5, 6, 7, 8] });

    const t0 = Date.now();
    const submitted = await submitRuns(runs, recorder.url, () => first.url);
    expect(submitted.map((s) => s.status)).to.deep.equal(runs.map(() => 200));
    // Kill once every run was started (a run killed before its executor job id was stored is
    // reported lost, by design): by then the earliest may have ended, the rest are mid-run.
    await waitForJobCards(recorder, RUNS, isStartedCard, { timeoutMs: 90_000, description: 'cards showing a started run' });
    const allStartedMs = Date.now() - t0;
    const finalsBeforeKill = finalCardsByJob(recorder.requests).size;
    expect(await first.kill()).to.equal('SIGKILL');
    expect(finalsBeforeKill, 'runs still running at the kill').to.be.below(RUNS);
    const killedAt = Date.now();

    const second = await startBotProcess({ env });
    bots.push(second);
    const restartMs = Date.now() - killedAt;
    await waitForFinalCards(recorder, RUNS, 60_000);
    const allFinalMs = Date.now() - killedAt;
    // A graceful stop drains the outbox: anything still queued (a duplicate included) arrives now.
    expect(await second.stop('SIGTERM')).to.equal(0);

    const jobIds = postedJobIds(recorder.requests);
    const finals = finalCardsByJob(recorder.requests);
    expect(jobIds.size).to.equal(RUNS);
    const { repeatedUpdates } = expectEveryFinalCardOnce(recorder.requests, jobIds, { kills: [killedAt] });
    const batches = [...finals.values()].map(([card]) => /batch (b\d+) done/.exec(card.text)?.[1]).sort();
    expect(batches).to.deep.equal(runs.map((r) => r.batch).sort());

    let takeoverMs: number[] = [];
    const store = await createStore({ kind: 'sqlite', path: path.join(workspace.dataDir, 'switchboard.db') }, silentLogger());
    try {
      const jobs = await store.listJobs({ limit: 1000 });
      expect(jobs).to.have.length(RUNS);
      expect(jobs.filter((j) => j.status === 'completed' && j.finalCardSent)).to.have.length(RUNS);
      expect(await store.listJobs({ unsettled: true })).to.deep.equal([]);
      const reattached = (await store.readAudit({ limit: 10_000 })).filter((r) => r.action === 'job.reattached');
      expect(reattached.length, 'runs reattached after the restart').to.be.above(0);
      takeoverMs = reattached.map((r) => Date.parse(r.at) - killedAt);
    } finally {
      await store.close();
    }

    console.log(
      `      crash: ${RUNS} runs started in ${allStartedMs} ms; ${finalsBeforeKill} final before kill -9; ` +
        `restart ready in ${restartMs} ms; ${takeoverMs.length} reattached ${Math.min(...takeoverMs)}–${Math.max(...takeoverMs)} ms after the kill (lease TTL ${LEASE_TTL_MS} ms); 0 lost; all ${RUNS} final ${allFinalMs} ms after the kill; ` +
        `${repeatedUpdates} final card(s) re-sent to the same message; ${recorder.requests.length} connector requests`,
    );
  });
});
