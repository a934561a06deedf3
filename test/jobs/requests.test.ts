import { expect } from 'chai';
import { SECRET_MASK } from '../../src/domain/job.js';
import type { JobService } from '../../src/jobs/job-service.js';
import { SlidingRequestLimiter } from '../../src/jobs/request-limiter.js';
import { settle } from './support/fake-clock.js';
import { alice, bob, cardStatus, SECRET, stopService, storedText, useJobWorld, type World } from './support/harness.js';

describe('JobService: requests', () => {
  const jobs = useJobWorld();
  let world: World;
  let service: JobService;
  beforeEach(() => ({ world, service } = jobs));

  async function openForm(user = alice, runbook = 'Restart-AppPool') {
    const issued = await service.issueForm(user, world.chat, runbook);
    if (issued.kind !== 'form') throw new Error(`no form: ${issued.kind}`);
    return issued.form;
  }

  async function refusals() {
    return (await world.store.readAudit({})).filter((r) => r.action === 'request.refused').map((r) => r.detail?.reason);
  }

  it('answers a form submit before the executor has accepted the run, then starts it in the background', async () => {
    const form = await openForm();
    const result = await service.submitForm(alice, world.chat, form.id, { Server: 'web01', Password: SECRET }, { cardActivityId: 'form-card' });

    expect(result.kind).to.equal('started');
    if (result.kind !== 'started') return;
    expect(result.job).to.include({ status: 'queued', runbook: 'Restart-AppPool', cardActivityId: 'form-card', executor: 'fake' });
    expect(result.job.parameters).to.deep.equal({ Server: 'web01', Pool: 'DefaultAppPool', Password: SECRET_MASK });
    expect(cardStatus(result.card)).to.equal('queued');
    // The invoke was answered while start() had not even been called.
    expect(world.executor.started).to.have.length(0);

    await settle();
    const run = world.executor.run(result.job.id);
    expect(run.spec.values).to.deep.equal({ Server: 'web01', Pool: 'DefaultAppPool', Password: SECRET });
    expect((await world.store.getJob(result.job.id))?.executorJobId).to.equal(undefined);

    run.accepted.resolve('exec-1');
    await settle();
    const stored = await world.store.getJob(result.job.id);
    expect(stored?.executorJobId).to.equal('exec-1');
    expect(stored?.startedAt).to.be.a('string');
    const actions = (await world.store.readAudit({ jobId: result.job.id })).map((r) => r.action);
    expect(actions).to.include.members(['job.created', 'job.started']);
  });

  it('posts the card itself for a text request and never stores, audits or shows a secret', async () => {
    const result = await service.submitText(alice, world.chat, 'restart-apppool', { Server: 'web02', Password: SECRET });
    expect(result.kind).to.equal('started');
    await settle();
    expect(world.target.delivered).to.have.length(1);
    expect(cardStatus(world.target.delivered[0].message.card)).to.equal('queued');
    const job = await world.store.getJob(result.kind === 'started' ? result.job.id : '');
    expect(job?.cardActivityId).to.equal(world.target.delivered[0].activityId);

    expect(await storedText(world)).not.to.contain(SECRET);
    expect(JSON.stringify(world.target.delivered)).not.to.contain(SECRET);
    expect(JSON.stringify(world.events)).not.to.contain(SECRET);
    expect(JSON.stringify(world.events)).not.to.contain('web02');
    expect(world.events.map((e) => e.name)).to.include('run.requested');
  });

  it('answers a double submit with the job it already started', async () => {
    const form = await openForm();
    const [first, second] = await Promise.all([
      service.submitForm(alice, world.chat, form.id, { Server: 'web01' }),
      service.submitForm(alice, world.chat, form.id, { Server: 'web01' }),
    ]);
    const third = await service.submitForm(alice, world.chat, form.id, { Server: 'web01' });
    const kinds = [first.kind, second.kind].sort();
    expect(kinds).to.deep.equal(['duplicate', 'started']);
    const jobIds = [first, second, third].map((r) => ('job' in r ? r.job.id : undefined));
    expect(new Set(jobIds).size).to.equal(1);
    expect(third.kind).to.equal('duplicate');
    await settle();
    expect(world.executor.started).to.have.length(1);
    expect((await world.store.listJobs({}))).to.have.length(1);
    expect(await refusals()).to.include('replay');
  });

  it('answers a redelivered text request with the job it already started', async () => {
    const first = await service.submitText(alice, world.chat, 'Get-Report', {}, { requestId: 'activity-7' });
    const again = await service.submitText(alice, world.chat, 'Get-Report', {}, { requestId: 'activity-7' });
    expect(first.kind).to.equal('started');
    expect(again.kind).to.equal('duplicate');
    expect('job' in again && 'job' in first && again.job.id === first.job.id).to.equal(true);
  });

  it('refuses and audits forms used by someone else, elsewhere, too late, or changed', async () => {
    const form = await openForm();
    const other = await service.submitForm(bob, world.chat, form.id, { Server: 'web01' });
    expect(other).to.deep.include({ kind: 'forbidden_form' });
    expect(other.kind === 'forbidden_form' && other.reason).to.match(/opened by someone else/);

    const elsewhere = await service.submitForm(alice, world.otherChat, form.id, { Server: 'web01' });
    expect(elsewhere.kind).to.equal('forbidden_form');

    const swapped = await service.submitForm(alice, world.chat, form.id, { Server: 'web01' }, { claimedRunbook: 'Deploy-Prod' });
    expect(swapped.kind === 'forbidden_form' && swapped.reason).to.match(/This form is for Restart-AppPool/);

    const extra = await service.submitForm(alice, world.chat, form.id, { Server: 'web01', RunAs: 'root' });
    expect(extra.kind === 'forbidden_form' && extra.reason).to.match(/has no field RunAs/);

    const unknown = await service.submitForm(alice, world.chat, 'made-up', { Server: 'web01' });
    expect(unknown.kind).to.equal('forbidden_form');

    await world.clock.advance(31 * 60_000);
    const late = await service.submitForm(alice, world.chat, form.id, { Server: 'web01' });
    expect(late.kind).to.equal('expired_form');
    expect(late.kind === 'expired_form' && late.message).to.match(/expired.*run Restart-AppPool/);

    expect(await refusals()).to.deep.equal(['wrong_user', 'wrong_conversation', 'runbook_mismatch', 'extra_parameters', 'unknown_form', 'expired_form']);
    const audit = await world.store.readAudit({});
    expect(audit.find((r) => r.detail?.reason === 'wrong_user')?.actor?.id).to.equal(bob.id);
    expect(await world.store.listJobs({})).to.have.length(0);
    expect(world.executor.started).to.have.length(0);
  });

  it('answers invalid values specifically and keeps the form usable', async () => {
    const form = await openForm();
    const invalid = await service.submitForm(alice, world.chat, form.id, { Server: 'db01' });
    expect(invalid.kind).to.equal('invalid');
    if (invalid.kind !== 'invalid') return;
    expect(invalid.formId).to.equal(form.id);
    expect(invalid.issues.map((i) => i.parameter)).to.deep.equal(['Server']);
    expect(invalid.message).to.contain('-Server is not valid (a web server name like web01)');
    const fixed = await service.submitForm(alice, world.chat, form.id, { Server: 'web07' });
    expect(fixed.kind).to.equal('started');
  });

  it('reads card inputs for the runbook the form names, never the one the card names', async () => {
    const form = await openForm();
    const seen: string[] = [];
    const result = await service.submitForm(alice, world.chat, form.id, (runbook) => {
      seen.push(runbook.name);
      return { Server: 'web04' };
    });
    expect(seen).to.deep.equal(['Restart-AppPool']);
    expect(result.kind === 'started' && result.job.parameters.Server).to.equal('web04');
  });

  it('says so when no executor can run the runbook, without creating a job', async () => {
    await jobs.replaceService({ executors: [] });
    service = jobs.service;
    const result = await service.submitText(alice, world.chat, 'Get-Report', {});
    expect(result.kind).to.equal('unavailable');
    expect(result.kind === 'unavailable' && result.reason).to.equal('No executor here can run Get-Report on target "local".');
    expect(await world.store.listJobs({})).to.have.length(0);
  });

  it('says which runbooks were meant when the name is unknown', async () => {
    const result = await service.submitText(alice, world.chat, 'Restart-App', {});
    expect(result).to.deep.equal({ kind: 'unknown_runbook', name: 'Restart-App', suggestions: ['Restart-AppPool'] });
  });

  it('refuses what the policy denies and records the deciding rule', async () => {
    world.policy.decisions.set('Restart-AppPool', { effect: 'deny', rule: 'prod-only-sre', reason: 'Only SRE may restart pools.' });
    const result = await service.submitText(alice, world.chat, 'Restart-AppPool', { Server: 'web01' });
    expect(result).to.deep.equal({ kind: 'denied', runbook: 'Restart-AppPool', reason: 'Only SRE may restart pools.', rule: 'prod-only-sre' });
    const decision = (await world.store.readAudit({})).find((r) => r.action === 'policy.decision');
    expect(decision?.detail).to.deep.include({ effect: 'deny', rule: 'prod-only-sre' });
    expect(world.policy.decided[0].values).to.deep.include({ Server: 'web01' });
  });

  it('rate-limits a user with a friendly answer', async () => {
    await jobs.replaceService({ requestLimiter: new SlidingRequestLimiter({ perUser: [{ windowMs: 60_000, max: 2 }], perConversation: [] }) });
    service = jobs.service;
    for (let i = 0; i < 2; i++) expect((await service.submitText(alice, world.chat, 'Get-Report', {})).kind).to.equal('started');
    const limited = await service.submitText(alice, world.chat, 'Get-Report', {});
    expect(limited.kind).to.equal('rate_limited');
    expect(limited.kind === 'rate_limited' && limited.message).to.match(/You have asked for many runs.*Try again in 60 s/);
    expect((await service.submitText(bob, world.chat, 'Get-Report', {})).kind).to.equal('started');
  });

  it('pre-fills "run again" from a job the user can see, without secrets', async () => {
    const first = await service.submitText(alice, world.chat, 'Restart-AppPool', { Server: 'web03', Pool: 'api', Password: SECRET });
    if (first.kind !== 'started') throw new Error(first.kind);
    const again = await service.issueForm(bob, world.chat, 'Restart-AppPool', { fromJobId: first.job.id });
    expect(again.kind === 'form' && again.prefill).to.deep.equal({ Server: 'web03', Pool: 'api' });
    const elsewhere = await service.issueForm(bob, world.otherChat, 'Restart-AppPool', { fromJobId: first.job.id });
    expect(elsewhere.kind === 'form' && elsewhere.prefill).to.deep.equal({});
  });

  it('marks a run that the executor refuses to start as failed, with the reason on the card', async () => {
    const result = await service.submitText(alice, world.chat, 'Get-Report', {});
    if (result.kind !== 'started') throw new Error(result.kind);
    await settle();
    world.executor.run(result.job.id).accepted.reject(new Error('pwsh is not installed'));
    await world.clock.advanceUntil(() => world.target.delivered.some((d) => cardStatus(d.message.card) === 'failed'), 10_000);
    const job = await world.store.getJob(result.job.id);
    expect(job).to.include({ status: 'failed', error: 'pwsh is not installed', finalCardSent: true });
  });

  it('stops taking requests at shutdown', async () => {
    await stopService(world, service, jobs.outbox);
    const result = await service.submitText(alice, world.chat, 'Get-Report', {});
    expect(result.kind).to.equal('unavailable');
  });
});
