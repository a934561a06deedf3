import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/jobs/clock.js';
import { parameterFixture, runbookFixture } from '../support/runbook-fixtures.js';
import { useLocalExecutors } from '../execution/local/harness.js';
import { waitUntil } from '../execution/local/job-events.js';
import { eventually } from './support/eventually.js';
import { FakeClock } from './support/fake-clock.js';
import { alice, cardStatus, closeWorld, newService, newWorld, type World } from './support/harness.js';
import { RecordingMessenger } from './support/recording-messenger.js';

const SCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'execution', 'local', 'scripts');

/** The job service with the real local executor, real SQLite and real time. */
describe('JobService with the local executor', function () {
  const local = useLocalExecutors(SCRIPTS);
  let world: World;
  const ticks = runbookFixture({
    name: 'Ticks',
    language: 'python',
    file: 'ticks.py',
    parameters: [parameterFixture('count', 'int', { flag: '--count' }), parameterFixture('interval', 'number', { flag: '--interval' })],
  });

  beforeEach(async () => {
    world = await newWorld();
    world.runbooks = [ticks];
    world.target = new RecordingMessenger(systemClock);
  });

  afterEach(() => closeWorld(world));

  const finalCards = (jobId: string) =>
    world.target.delivered.filter((d) => cardStatus(d.message.card) === 'completed' && JSON.stringify(d.message.card).includes(jobId));

  it('runs a script from a form submit to exactly one final card with its output', async () => {
    const { service, outbox } = newService(world, { clock: systemClock, executors: [local.executor()], settings: { cardRefreshMs: 50 } });
    try {
      const issued = await service.issueForm(alice, world.chat, 'Ticks');
      if (issued.kind !== 'form') throw new Error(issued.kind);
      const result = await service.submitForm(alice, world.chat, issued.form.id, { count: '3', interval: '0.05' }, { cardActivityId: 'form-card' });
      expect(result.kind).to.equal('started');
      const id = result.kind === 'started' ? result.job.id : '';

      await waitUntil(() => finalCards(id).length > 0, 'the final card');
      const job = await world.store.getJob(id);
      expect(job).to.include({ status: 'completed', exitCode: 0, finalCardSent: true, cardActivityId: 'form-card' });
      expect((await world.store.readOutput(id)).map((c) => c.text).join('')).to.equal('tick 0\ntick 1\ntick 2\n');
      expect(JSON.stringify(finalCards(id)[0].message.card)).to.contain('tick 2');
      expect(finalCards(id)).to.have.length(1);
    } finally {
      await service.shutdown();
      outbox.close();
    }
  });

  it('picks a run up again after a crash and posts its final card once', async () => {
    // The crashed instance lives on a clock that never moves, so it cannot act after "dying".
    const crashedExecutor = local.executor();
    const crashed = newService(world, { clock: new FakeClock(Date.now()), executors: [crashedExecutor], settings: { leaseTtlMs: 300 } });
    const result = await crashed.service.submitText(alice, world.chat, 'Ticks', { count: '8', interval: '0.1' });
    if (result.kind !== 'started') throw new Error(result.kind);
    const id = result.job.id;
    await eventually(async () => (await world.store.getJob(id))?.executorJobId, 'the executor to accept the run');
    await crashedExecutor.close();

    const restarted = newService(world, {
      clock: systemClock,
      instanceId: 'instance-b',
      executors: [local.executor()],
      settings: { leaseTtlMs: 300, cardRefreshMs: 50 },
    });
    try {
      // Until the crashed instance's lease runs out, the run stays with it.
      const reattached = await eventually(async () => {
        const report = await restarted.service.resumeAll();
        return report.reattached.length ? report.reattached : undefined;
      }, 'the lease to expire');
      expect(reattached).to.deep.equal([id]);

      await waitUntil(() => finalCards(id).length > 0, 'the final card');
      await restarted.service.resumeAll();
      const output = (await world.store.readOutput(id)).map((c) => c.text).join('');
      expect(output).to.equal(Array.from({ length: 8 }, (_, i) => `tick ${i}\n`).join(''));
      expect(finalCards(id)).to.have.length(1);
      expect((await world.store.getJob(id))?.finalCardSent).to.equal(true);
    } finally {
      await restarted.service.shutdown();
      restarted.outbox.close();
      crashed.outbox.close();
    }
  });
});
