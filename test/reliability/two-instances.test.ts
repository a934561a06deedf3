/**
 * Two-instance test: two bot processes (distinct INSTANCE_ID) share one Azure Table store on
 * Azurite and one data folder (the local executor's job directories, which lie on this one
 * machine). 50 runs are spread over both; one instance is killed with `kill -9` while runs are
 * running. The survivor must take the dead one's runs over once their leases expire — not before
 * — and every final card must arrive exactly once.
 */
import { expect } from 'chai';
import type { Store } from '../../src/store/store.js';
import { createStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { startBotProcess, type BotProcess } from '../support/bot-process.js';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { expectEveryFinalCardOnce, finalCardsByJob, finalDeliveries, isStartedCard, postedJobIds, waitForFinalCards, waitForJobCards } from './support/final-cards.js';
import { planRuns, submitRuns } from './support/runs.js';
import { createWorkspace, type Workspace } from './support/workspace.js';

const RUNS = 50;
const LEASE_TTL_MS = 20_000;
const RESUME_EVERY_MS = 3_000;
const TABLE_PREFIX = 'reliability';

describe('reliability: two instances on one Azure Table store, one killed', function () {
  this.timeout(180_000);
  let workspace: Workspace;
  let recorder: ConnectorRecorder;
  let azurite: AzuriteTables;
  let store: Store | undefined;
  const bots: BotProcess[] = [];

  before(async () => {
    [workspace, recorder, azurite] = await Promise.all([createWorkspace(), ConnectorRecorder.start(), startAzurite()]);
  });
  after(async () => {
    await Promise.all(bots.map((bot) => bot.kill()));
    await store?.close();
    await recorder?.close();
    await azurite?.stop();
    await workspace?.remove();
  });

  it('the survivor takes over the dead instance’s runs after the lease timeout; every final card once', async () => {
    const env = (instance: string) =>
      workspace.env({
        INSTANCE_ID: instance,
        STORE: 'azure-tables',
        AZURE_TABLES_CONNECTION_STRING: azurite.connectionString,
        AZURE_TABLES_PREFIX: TABLE_PREFIX,
        JOB_LEASE_TTL_MS: String(LEASE_TTL_MS),
        JOB_RESUME_INTERVAL_MS: String(RESUME_EVERY_MS),
      });
    const [doomed, survivor] = await Promise.all([startBotProcess({ env: env('instance-a') }), startBotProcess({ env: env('instance-b') })]);
    bots.push(doomed, survivor);
    const runs = planRuns(RUNS, { channels: 10, seconds: [5, 6, 7, 8, 9] });
    const instanceOf = (index: number) => (index % 2 === 0 ? doomed : survivor);

    const t0 = Date.now();
    const submitted = await submitRuns(runs, recorder.url, (_, index) => instanceOf(index).url);
    expect(submitted.map((s) => s.status)).to.deep.equal(runs.map(() => 200));
    await waitForJobCards(recorder, RUNS, isStartedCard, { timeoutMs: 90_000, description: 'cards showing a started run' });
    const allStartedMs = Date.now() - t0;
    const finalBeforeKill = new Set(finalCardsByJob(recorder.requests).keys());
    expect(await doomed.kill()).to.equal('SIGKILL');
    const killedAt = Date.now();

    await waitForFinalCards(recorder, RUNS, 90_000);
    const allFinalMs = Date.now() - killedAt;
    expect(await survivor.stop('SIGTERM')).to.equal(0);

    const jobIds = postedJobIds(recorder.requests);
    expect(jobIds.size).to.equal(RUNS);
    const { repeatedUpdates } = expectEveryFinalCardOnce(recorder.requests, jobIds, { kills: [killedAt] });

    store = await createStore({ kind: 'azure-tables', connectionString: azurite.connectionString, tablePrefix: TABLE_PREFIX }, silentLogger());
    const jobs = await store.listJobs({ limit: 1000 });
    expect(jobs.filter((j) => j.status === 'completed' && j.finalCardSent)).to.have.length(RUNS);
    expect(await store.listJobs({ unsettled: true })).to.deep.equal([]);

    // Who ran what: the batch a run was submitted with says which instance accepted it.
    const doomedBatches = new Set(runs.filter((_, index) => instanceOf(index) === doomed).map((r) => r.batch));
    const doomedJobs = new Set(jobs.filter((j) => doomedBatches.has(String(j.parameters.batch))).map((j) => j.id));
    const audit = await store.readAudit({ limit: 10_000 });
    // The audit trail is complete: both instances wrote one shared log at once.
    for (const action of ['job.created', 'job.started', 'job.finished'])
      expect(new Set(audit.filter((r) => r.action === action).map((r) => r.jobId)).size, `jobs with ${action}`).to.equal(RUNS);
    expect(bots.flatMap((bot) => bot.logs).filter((line) => line.level === 'error'), 'errors logged').to.deep.equal([]);
    // After the kill only the survivor can deliver: every card from then on is its take-over.
    const deliveries = finalDeliveries(recorder.requests);
    const finishedByTheSurvivor = [...doomedJobs].filter((id) => deliveries.get(id)!.firstAt > killedAt);
    expect(finishedByTheSurvivor.length, 'runs of the killed instance finished after the kill').to.be.above(0);
    const reattached = new Map(audit.filter((r) => r.action === 'job.reattached').map((r) => [r.jobId!, r]));
    expect(reattached.size, 'runs reattached by the survivor').to.be.above(0);
    expect([...reattached.keys()].filter((id) => !finishedByTheSurvivor.includes(id)), 'reattached but not the killed instance’s running runs').to.deep.equal([]);
    expect([...reattached.values()].map((r) => r.detail?.instance)).to.satisfy((owners: unknown[]) => owners.every((o) => o === 'instance-b'));
    // Not before the lease could have run out: it was renewed at most a renewal interval before the kill.
    const takeoverMs = [...reattached.values()].map((r) => Date.parse(r.at) - killedAt);
    expect(Math.min(...takeoverMs), 'first take-over after the kill (ms)').to.be.at.least(LEASE_TTL_MS - (2 * LEASE_TTL_MS) / 3);

    console.log(
      `      two instances: ${RUNS} runs (25 each) started in ${allStartedMs} ms; ${finalBeforeKill.size} final before kill -9 of one; ` +
        `${reattached.size} reattached ${Math.min(...takeoverMs)}–${Math.max(...takeoverMs)} ms after the kill (lease TTL ${LEASE_TTL_MS} ms, resume every ${RESUME_EVERY_MS} ms); ` +
        `all ${RUNS} final ${allFinalMs} ms after the kill; ${repeatedUpdates} final card(s) re-sent to the same message; ${recorder.requests.length} connector requests`,
    );
  });
});
