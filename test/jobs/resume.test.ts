import { expect } from 'chai';
import type { JobService } from '../../src/jobs/job-service.js';
import type { Outbox } from '../../src/jobs/outbox.js';
import { silentLogger } from '../../src/logging/logger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { acceptedRun, alice, cardStatus, closeWorld, newService, newWorld, stopService, type World } from './support/harness.js';

describe('JobService: leases and resume', () => {
  let world: World;
  const running: { service: JobService; outbox: Outbox }[] = [];

  beforeEach(async () => {
    world = await newWorld();
  });

  afterEach(async () => {
    for (const { service, outbox } of running.splice(0)) await stopService(world, service, outbox);
    await closeWorld(world);
  });

  function start(options: Parameters<typeof newService>[1] = {}) {
    const instance = newService(world, options);
    running.push(instance);
    return instance.service;
  }

  const at = () => new Date(world.clock.now()).toISOString();
  const cardsOf = (jobId: string, status: string) =>
    world.target.delivered.filter((d) => cardStatus(d.message.card) === status && JSON.stringify(d.message.card).includes(jobId));

  async function submit(service: JobService) {
    const result = await service.submitText(alice, world.chat, 'Get-Report', {});
    if (result.kind !== 'started') throw new Error(result.kind);
    await settle();
    return result.job.id;
  }

  /** A run started by an instance that then shut down properly. */
  async function runLeftBehind() {
    const first = newService(world, { instanceId: 'instance-a' });
    const id = await acceptedRun(world, first.service);
    await stopService(world, first.service, first.outbox);
    return id;
  }

  it('after a crash, a new instance on the reopened store reattaches started runs and reports unstarted ones lost', async () => {
    // The first instance runs on a clock of its own, so once it has "crashed" it never acts again.
    const crashed = newService(world, { instanceId: 'instance-a', clock: new FakeClock(world.clock.now()) }).service;
    const tracked = await submit(crashed);
    world.executor.run(tracked).accepted.resolve('exec-tracked');
    const unstarted = await submit(crashed);
    await settle();
    expect((await world.store.getJob(tracked))?.executorJobId).to.equal('exec-tracked');

    await world.store.close();
    world.store = new SqliteStore(world.file, silentLogger());
    await world.store.init();
    const restarted = start({ instanceId: 'instance-b' });

    const early = await restarted.resumeAll();
    expect(early.ownedElsewhere.sort()).to.deep.equal([tracked, unstarted].sort());
    expect(restarted.trackedJobIds()).to.deep.equal([]);

    await world.clock.advance(31_000);
    const report = await restarted.resumeAll();
    expect(report.reattached).to.deep.equal([tracked]);
    expect(report.lost).to.deep.equal([unstarted]);
    expect(world.executor.reattached.map((r) => [r.jobId, r.executorJobId])).to.deep.equal([[tracked, 'exec-tracked']]);

    await world.clock.advanceUntil(() => cardsOf(unstarted, 'lost').length === 1, 10_000);
    const lost = await world.store.getJob(unstarted);
    expect(lost?.error).to.match(/stopped before the executor confirmed/);

    world.executor.emit(tracked, { kind: 'output', stream: 'output', text: 'after the restart', at: at() });
    world.executor.emit(tracked, { kind: 'finished', status: 'completed', exitCode: 0, at: at() });
    await world.clock.advanceUntil(() => cardsOf(tracked, 'completed').length === 1, 10_000);
    await restarted.resumeAll();
    await world.clock.advance(10_000);
    expect(cardsOf(tracked, 'completed')).to.have.length(1);
    expect(cardsOf(unstarted, 'lost')).to.have.length(1);
    expect((await world.store.getJob(tracked))?.finalCardSent).to.equal(true);
  });

  it('delivers a final card that a dead instance stored but never sent, once', async () => {
    const first = start({ instanceId: 'instance-a' });
    const id = await acceptedRun(world, first);
    world.target.failWith = () => ({ statusCode: 502 });
    world.executor.emit(id, { kind: 'finished', status: 'completed', exitCode: 0, at: at() });
    await world.clock.advanceUntil(() => first.trackedJobIds().length === 0, 900_000, 5_000);
    const undelivered = await world.store.getJob(id);
    expect(undelivered?.status).to.equal('completed');
    expect(undelivered?.finalCardSent).to.not.equal(true);

    world.target.failWith = () => undefined;
    const second = start({ instanceId: 'instance-b' });
    const report = await second.resumeAll();
    expect(report.finalCardsDelivered).to.deep.equal([id]);
    await world.clock.advanceUntil(() => cardsOf(id, 'completed').length === 1, 10_000);
    await second.resumeAll();
    await first.resumeAll();
    await world.clock.advance(10_000);
    expect(cardsOf(id, 'completed')).to.have.length(1);
    expect((await world.store.getJob(id))?.finalCardSent).to.equal(true);
  });

  it('writes the started and finished records of a run whose instance died between storing and auditing them', async () => {
    // The first instance "dies" right after each of those changes is stored: its records never arrive.
    const dying = Object.create(world.store) as SqliteStore;
    dying.appendAudit = (record) =>
      ['job.started', 'job.finished'].includes(record.action) ? Promise.reject(new Error('killed')) : world.store.appendAudit(record);
    const first = newService({ ...world, store: dying }, { instanceId: 'instance-a' });
    running.push(first);
    const id = await acceptedRun(world, first.service);
    world.target.failWith = () => ({ statusCode: 502 });
    world.executor.emit(id, { kind: 'finished', status: 'failed', exitCode: 3, at: at() });
    await world.clock.advanceUntil(() => first.service.trackedJobIds().length === 0, 900_000, 5_000);
    const actions = async () => (await world.store.readAudit({ jobId: id })).map((r) => r.action);
    expect(await actions()).to.not.include.members(['job.started', 'job.finished']);

    world.target.failWith = () => undefined;
    const second = start({ instanceId: 'instance-b' });
    expect((await second.resumeAll()).finalCardsDelivered).to.deep.equal([id]);
    await world.clock.advanceUntil(() => cardsOf(id, 'failed').length === 1, 10_000);
    await second.resumeAll();
    const recovered = (await world.store.readAudit({ jobId: id })).filter((r) => r.action === 'job.started' || r.action === 'job.finished');
    expect(recovered.map((r) => [r.action, r.detail?.recoveredBy])).to.deep.equal([
      ['job.started', 'instance-b'],
      ['job.finished', 'instance-b'],
    ]);
    expect(recovered[1].detail).to.deep.include({ status: 'failed', exitCode: 3 });
  });

  it('lets only one of two instances track a job, and hands it over when the owner stops renewing', async () => {
    const owner = start({ instanceId: 'instance-a' });
    const other = start({ instanceId: 'instance-b' });
    const id = await acceptedRun(world, owner);

    const [a, b] = await Promise.all([owner.resumeAll(), other.resumeAll()]);
    expect(a.reattached).to.deep.equal([]);
    expect(b.ownedElsewhere).to.deep.equal([id]);
    expect(owner.trackedJobIds()).to.deep.equal([id]);
    expect(other.trackedJobIds()).to.deep.equal([]);

    await world.clock.advance(20_000);
    await owner.renewLeases();
    await world.clock.advance(20_000);
    expect((await other.resumeAll()).ownedElsewhere).to.deep.equal([id]);

    await world.clock.advance(31_000);
    expect((await other.resumeAll()).reattached).to.deep.equal([id]);
    await owner.renewLeases();
    expect(owner.trackedJobIds()).to.deep.equal([]);
    expect(world.executor.detached).to.deep.equal(['exec-1']);
    expect(other.trackedJobIds()).to.deep.equal([id]);

    world.executor.emit(id, { kind: 'finished', status: 'completed', exitCode: 0, at: at() });
    await world.clock.advanceUntil(() => cardsOf(id, 'completed').length === 1, 10_000);
    await world.clock.advance(10_000);
    expect(cardsOf(id, 'completed')).to.have.length(1);
  });

  it('releases leases and detaches runs at shutdown so another instance takes over at once', async () => {
    const id = await runLeftBehind();    expect(world.executor.detached).to.deep.equal(['exec-1']);

    const second = start({ instanceId: 'instance-b' });
    expect((await second.resumeAll()).reattached).to.deep.equal([id]);
  });

  it('gives up a run the executor cannot report on after repeated reattach failures', async () => {
    const id = await runLeftBehind();
    world.executor.reattachError = new Error('Automation account unreachable');
    const second = start({ instanceId: 'instance-b', settings: { reattachAttempts: 3 } });
    for (let i = 0; i < 2; i++) expect((await second.resumeAll()).reattached).to.deep.equal([]);
    expect((await world.store.getJob(id))?.status).to.equal('queued');
    await second.resumeAll();
    await world.clock.advanceUntil(() => cardsOf(id, 'failed').length === 1, 10_000);
    expect((await world.store.getJob(id))?.error).to.match(/could not report on this run: Automation account unreachable/);
  });

  it('renews leases and resumes on its own once maintenance runs', async () => {
    const owner = start({ instanceId: 'instance-a' });
    await owner.startMaintenance();
    const id = await acceptedRun(world, owner);
    const other = start({ instanceId: 'instance-b' });
    await world.clock.advance(120_000);
    expect((await other.resumeAll()).ownedElsewhere).to.deep.equal([id]);
    expect(owner.trackedJobIds()).to.deep.equal([id]);
  });
});
