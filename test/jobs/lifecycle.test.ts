import { expect } from 'chai';
import type { ExecutionEvent } from '../../src/execution/executor.js';
import type { JobService } from '../../src/jobs/job-service.js';
import { settle } from './support/fake-clock.js';
import { acceptedRun, alice, cardStatus, mallory, useJobWorld, type World } from './support/harness.js';

describe('JobService: lifecycle', () => {
  const jobs = useJobWorld();
  let world: World;
  let service: JobService;
  beforeEach(() => ({ world, service } = jobs));

  const at = () => new Date(world.clock.now()).toISOString();

  const startedJob = (executorJobId?: string) => acceptedRun(world, service, executorJobId);

  function emit(jobId: string, event: ExecutionEvent) {
    world.executor.emit(jobId, event);
  }

  const cardsOf = (status: string) => world.target.delivered.filter((d) => cardStatus(d.message.card) === status);

  it('stores output and progress, updates one card at a paced rate and sends the final card exactly once', async () => {
    const id = await startedJob();
    emit(id, { kind: 'status', status: 'running', executorStatus: 'Running', at: at() });
    for (let i = 1; i <= 50; i++) emit(id, { kind: 'output', stream: 'output', text: `line ${i}`, at: at() });
    emit(id, { kind: 'progress', percent: 40, text: 'copying', at: at() });
    await world.clock.advance(2_000);

    const running = await world.store.getJob(id);
    expect(running).to.include({ status: 'running', executorStatus: 'Running', progress: 40, progressText: 'copying' });
    const output = await world.store.readOutput(id);
    expect(output.map((c) => c.text)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `line ${i + 1}`));
    expect(output.map((c) => c.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    const cardActivity = running?.cardActivityId;
    expect(cardsOf('running').every((d) => d.activityId === cardActivity)).to.equal(true);
    expect(cardsOf('running').length).to.be.within(1, 2);

    emit(id, { kind: 'finished', status: 'completed', exitCode: 0, at: at() });
    emit(id, { kind: 'finished', status: 'completed', exitCode: 0, at: at() });
    await world.clock.advanceUntil(() => cardsOf('completed').length > 0, 10_000);
    await world.clock.advance(5_000);

    const done = await world.store.getJob(id);
    expect(done).to.include({ status: 'completed', exitCode: 0, finalCardSent: true, cardActivityId: cardActivity });
    expect(cardsOf('completed')).to.have.length(1);
    expect(cardsOf('completed')[0].activityId).to.equal(cardActivity);
    expect(JSON.stringify(cardsOf('completed')[0].message.card)).to.contain('line 50');
    expect(await world.store.acquireLease(`job:${id}`, 'someone-else', 1_000, new Date(world.clock.now()))).to.not.equal(undefined);
    expect(service.trackedJobIds()).to.deep.equal([]);
    const finished = (await world.store.readAudit({ jobId: id })).filter((r) => r.action === 'job.finished');
    expect(finished).to.have.length(1);
    expect(world.events.find((e) => e.name === 'run.finished')?.properties).to.deep.equal({ runbook: 'Get-Report', target: 'local', outcome: 'completed' });
  });

  it('cancels for the requester, refuses others, and reports the cancelled run', async () => {
    world.policy.deniedUsers.add(mallory.id);
    const id = await startedJob('exec-9');
    const refused = await service.cancel(mallory, world.chat, id);
    expect(refused.kind === 'forbidden' && refused.reason).to.match(/Only Alice or someone allowed to run Get-Report/);
    const cancelling = await service.cancel(alice, world.chat, id);
    expect(cancelling.kind).to.equal('cancelling');
    await settle();
    expect(world.executor.cancelled).to.deep.equal(['exec-9']);
    emit(id, { kind: 'status', status: 'running', at: at() });
    await settle();
    expect((await world.store.getJob(id))?.status).to.equal('cancelling');
    emit(id, { kind: 'finished', status: 'cancelled', at: at() });
    await world.clock.advanceUntil(() => cardsOf('cancelled').length === 1, 10_000);
    const actions = (await world.store.readAudit({ jobId: id })).map((r) => r.action);
    expect(actions).to.include.members(['job.cancel_refused', 'job.cancel_requested', 'job.finished']);
  });

  it('cancels a run whose start is still in flight as soon as the executor accepts it', async () => {
    const result = await service.submitText(alice, world.chat, 'Get-Report', {});
    if (result.kind !== 'started') throw new Error(result.kind);
    await settle();
    expect((await service.cancel(alice, world.chat, result.job.id)).kind).to.equal('cancelling');
    expect(world.executor.cancelled).to.deep.equal([]);
    world.executor.run(result.job.id).accepted.resolve('exec-late');
    await settle();
    expect(world.executor.cancelled).to.deep.equal(['exec-late']);
  });

  it('puts the run back to running when the executor refuses the cancel', async () => {
    const id = await startedJob('exec-2');
    emit(id, { kind: 'status', status: 'running', at: at() });
    world.executor.cancelError = new Error('the job cannot be stopped now');
    await service.cancel(alice, world.chat, id);
    await settle();
    const job = await world.store.getJob(id);
    expect(job?.status).to.equal('running');
    expect(job?.executorStatus).to.equal('Cancel failed: the job cannot be stopped now');
  });

  it('posts the final card as a new message when the old card cannot be updated', async () => {
    const id = await startedJob();
    const cardActivity = (await world.store.getJob(id))?.cardActivityId;
    world.target.failWith = (attempt) => (attempt.kind === 'update' ? { statusCode: 404 } : undefined);
    emit(id, { kind: 'finished', status: 'failed', exitCode: 3, error: 'disk full', at: at() });
    await world.clock.advanceUntil(() => cardsOf('failed').length === 1, 10_000);
    const job = await world.store.getJob(id);
    expect(job?.finalCardSent).to.equal(true);
    expect(job?.cardActivityId).to.not.equal(cardActivity);
    expect(cardsOf('failed')[0].kind).to.equal('send');
  });

  it('pages the full output for people who may see the job', async () => {
    await jobs.replaceService({ settings: { outputPageSize: 20 } });
    service = jobs.service;
    const id = await startedJob();
    for (let i = 1; i <= 45; i++) emit(id, { kind: 'output', stream: 'output', text: `row ${i}`, at: at() });
    await settle();
    const third = await service.output(alice, world.otherChat, id, 2);
    expect(third.kind === 'page' && third.chunks.map((c) => c.text)).to.deep.equal(['row 41', 'row 42', 'row 43', 'row 44', 'row 45']);
    expect(third.kind === 'page' && third.hasMore).to.equal(false);
    const first = await service.output(mallory, world.chat, id, 0);
    expect(first.kind === 'page' && first.hasMore).to.equal(true);
    expect((await service.output(mallory, world.otherChat, id, 0)).kind).to.equal('not_found');
  });
});
