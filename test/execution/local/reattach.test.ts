import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParameterValue, RunbookDefinition } from '../../../src/domain/runbook.js';
import type { SupervisorPids } from '../../../src/execution/local/spool.js';
import { parameterFixture, runbookFixture } from '../../support/runbook-fixtures.js';
import { useLocalExecutors } from './harness.js';
import { isRunning, JobEvents, waitUntil } from './job-events.js';

const SCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');
const TICKS = runbookFixture({
  name: 'Ticks',
  language: 'python',
  file: 'ticks.py',
  parameters: [parameterFixture('count', 'int', { flag: '--count' }), parameterFixture('interval', 'number', { flag: '--interval' })],
});

function expectedTicks(count: number): string {
  return Array.from({ length: count }, (_, n) => `tick ${n}\n`).join('');
}

/**
 * A bot that dies leaves its jobs running under their supervisors. These tests play the dying
 * bot with close() (it stops following without touching the jobs) and the restarted bot with a
 * second executor on the same spool folder.
 */
describe('LocalExecutor after a bot restart', function () {
  const harness = useLocalExecutors(SCRIPTS);

  /** Starts a job, waits until its output shows `seen`, then lets the executor "die". */
  async function startThenDie(jobId: string, runbook: RunbookDefinition, values: Record<string, ParameterValue>, seen: string) {
    const first = harness.executor();
    const started = await harness.start(first, runbook, values, { jobId, timeoutSeconds: 120 });
    await started.events.until(() => started.events.text().includes(seen), `"${seen}" in the output`);
    await first.close();
    return { before: started.events, executorJobId: started.executorJobId };
  }

  it('continues a running job where the dead bot stopped: every line exactly once, then finished', async () => {
    const { before, executorJobId } = await startThenDie('job-1', TICKS, { count: 12, interval: 0.1 }, 'tick 2');

    const after = new JobEvents();
    await harness.executor().reattach('job-1', executorJobId, after.listener);
    const finished = await after.finished();

    expect(finished.status).to.equal('completed');
    expect(before.of('finished')).to.have.length(0);
    expect(before.text() + after.text()).to.equal(expectedTicks(12));
    expect(after.text()).to.not.equal(''); // the job really was still running when the bot "died"
    expect(after.of('status')).to.have.length(0); // 'running' was already reported before
  });

  it('reports a job that finished while no bot was watching, without repeating output', async () => {
    const { before, executorJobId } = await startThenDie('job-2', TICKS, { count: 6, interval: 0.05 }, 'tick 0');
    await waitUntil(() => fs.existsSync(path.join(harness.spoolDir, executorJobId, 'status.json')), 'the job to end on its own');

    const after = new JobEvents();
    await harness.executor().reattach('job-2', executorJobId, after.listener);
    expect((await after.finished()).status).to.equal('completed');
    expect(before.text() + after.text()).to.equal(expectedTicks(6));
  });

  it('reports lost, and stops the orphaned script and its children, when the supervisor was killed', async () => {
    const tree = runbookFixture({ name: 'Tree', language: 'python', file: 'process-tree.py' });
    const { before, executorJobId } = await startThenDie('job-3', tree, {}, 'grandchild');
    const script = JSON.parse(before.text()) as { script: number; grandchild: number };
    harness.reap(script.script, script.grandchild);
    const pids = JSON.parse(fs.readFileSync(path.join(harness.spoolDir, executorJobId, 'supervisor.json'), 'utf8')) as SupervisorPids;
    process.kill(pids.supervisorPid, 'SIGKILL');
    await waitUntil(() => !isRunning(pids.supervisorPid), 'the supervisor to die');
    expect(isRunning(script.script)).to.equal(true); // the script outlives its supervisor on its own

    const after = new JobEvents();
    await harness.executor().reattach('job-3', executorJobId, after.listener);
    const finished = await after.finished();
    expect(finished.status).to.equal('lost');
    expect(finished.error).to.match(/supervisor process \(pid \d+\) is gone and left no exit status/);
    expect(finished.error).to.include('What was left of the script was stopped');
    await waitUntil(() => !isRunning(script.script) && !isRunning(script.grandchild), 'the orphaned script and its child to be stopped');
  });

  it('reports lost for a job whose directory does not exist on this machine', async () => {
    const events = new JobEvents();
    await harness.executor().reattach('job-4', 'job-4-0000abcd', events.listener);
    const finished = await events.finished();
    expect(finished.status).to.equal('lost');
    expect(finished.error).to.include('No job directory for job-4-0000abcd');
  });

  it('does not touch a path outside the spool folder when given a forged executor job id', async () => {
    const error = await harness
      .executor()
      .reattach('job-5', '../../etc', () => undefined)
      .catch((e: unknown) => e);
    expect(error).to.have.property('code', 'not_found');
  });
});
