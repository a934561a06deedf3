import { expect } from 'chai';
import type { JobService } from '../../src/jobs/job-service.js';
import { settle } from './support/fake-clock.js';
import { alice, bob, carol, cardStatus, mallory, SECRET, useJobWorld, type World } from './support/harness.js';

describe('JobService: approvals', () => {
  const jobs = useJobWorld((prepared) => {
    prepared.policy.decisions.set('Deploy-Prod', {
      effect: 'approval',
      rule: 'prod-four-eyes',
      approval: { count: 2, groups: ['release-managers'], expiresInSeconds: 3600 },
    });
    prepared.policy.approvers = new Set([alice.id, bob.id, carol.id]);
  });
  let world: World;
  let service: JobService;
  beforeEach(() => ({ world, service } = jobs));

  async function requestDeploy(values: Record<string, unknown> = { Version: '1.2.3', Token: SECRET }) {
    const result = await service.submitText(alice, world.chat, 'Deploy-Prod', values);
    if (result.kind !== 'pending_approval') throw new Error(`expected pending_approval, got ${result.kind}`);
    return result;
  }

  async function actions() {
    return (await world.store.readAudit({})).map((r) => `${r.action}${r.detail?.reason ? `:${String(r.detail.reason)}` : ''}`);
  }

  it('waits for N distinct approvers, never the requester, then starts with the secret kept in memory', async () => {
    const pending = await requestDeploy();
    expect(cardStatus(pending.card)).to.equal('pending_approval');
    expect(pending.job.approval).to.deep.include({ rule: 'prod-four-eyes', count: 2, groups: ['release-managers'] });
    await settle();
    expect(world.executor.started).to.have.length(0);

    const self = await service.approve(alice, world.chat, pending.job.id);
    expect(self.kind === 'forbidden' && self.reason).to.match(/someone else has to approve/);
    const outsider = await service.approve(mallory, world.chat, pending.job.id);
    expect(outsider.kind === 'forbidden' && outsider.reason).to.match(/Only members of release-managers/);

    const first = await service.approve(bob, world.chat, pending.job.id, 'looks fine');
    expect(first.kind === 'approved' && first.remaining).to.equal(1);
    const twice = await service.approve(bob, world.chat, pending.job.id);
    expect(twice.kind).to.equal('already_decided');
    await settle();
    expect(world.executor.started).to.have.length(0);

    const second = await service.approve(carol, world.chat, pending.job.id);
    expect(second.kind === 'approved' && second.remaining).to.equal(0);
    expect(second.kind === 'approved' && second.job.status).to.equal('queued');
    await settle();
    expect(world.executor.run(pending.job.id).spec.values).to.deep.equal({ Version: '1.2.3', Token: SECRET });

    const stored = await world.store.getJob(pending.job.id);
    expect(stored?.approvals?.map((a) => [a.by.id, a.decision])).to.deep.equal([
      [bob.id, 'approved'],
      [carol.id, 'approved'],
    ]);
    expect(await actions()).to.include.members([
      'approval.requested',
      'approval.refused:self_approval',
      'approval.refused:not_approver',
      'approval.approved',
    ]);
    expect(world.events.map((e) => e.name)).to.include('run.approved');
  });

  it('ends the request on one rejection and delivers its final card once', async () => {
    const pending = await requestDeploy();
    const rejected = await service.reject(bob, world.chat, pending.job.id, 'not during the freeze');
    expect(rejected.kind).to.equal('rejected');
    expect(rejected.kind === 'rejected' && rejected.job.error).to.equal('Rejected by Bob: not during the freeze.');
    const late = await service.approve(carol, world.chat, pending.job.id);
    expect(late.kind).to.equal('not_pending');
    await world.clock.advance(5_000);
    const job = await world.store.getJob(pending.job.id);
    expect(job?.finalCardSent).to.equal(true);
    const finals = world.target.delivered.filter((d) => cardStatus(d.message.card) === 'rejected');
    expect(finals).to.have.length(1);
    expect(world.executor.started).to.have.length(0);
  });

  it('rejects an expired request, on a click and in the periodic sweep', async () => {
    const clicked = await requestDeploy();
    const swept = await requestDeploy({ Version: '2.0.0' });
    await world.clock.advance(3601_000);

    const late = await service.approve(bob, world.chat, clicked.job.id);
    expect(late.kind).to.equal('expired');
    expect(late.kind === 'expired' && late.job.error).to.match(/request expired/);

    const report = await service.resumeAll();
    expect(report.expired).to.deep.equal([swept.job.id]);
    expect((await world.store.getJob(swept.job.id))?.status).to.equal('rejected');
    expect(await actions()).to.include('approval.expired');
  });

  it('lets the requester withdraw a request', async () => {
    const pending = await requestDeploy();
    const cancelled = await service.cancel(alice, world.chat, pending.job.id);
    expect(cancelled.kind).to.equal('cancelled');
    expect((await world.store.getJob(pending.job.id))?.status).to.equal('cancelled');
    expect((await service.approve(bob, world.chat, pending.job.id)).kind).to.equal('not_pending');
  });

  it('after a restart, starts an approved run without secrets from the stored values and reports one with secrets as lost', async () => {
    const withSecret = await requestDeploy();
    const withoutSecret = await requestDeploy({ Version: '3.0.0' });
    await jobs.replaceService({ instanceId: 'instance-b' });
    service = jobs.service;

    await service.approve(bob, world.chat, withSecret.job.id);
    const started = await service.approve(carol, world.chat, withSecret.job.id);
    expect(started.kind === 'approved' && started.remaining).to.equal(0);
    await world.clock.advanceUntil(() => world.target.delivered.some((d) => cardStatus(d.message.card) === 'lost'), 10_000);
    const lost = await world.store.getJob(withSecret.job.id);
    expect(lost?.status).to.equal('lost');
    expect(lost?.error).to.match(/secret parameters are never stored.*run it again/);

    await service.approve(bob, world.chat, withoutSecret.job.id);
    await service.approve(carol, world.chat, withoutSecret.job.id);
    await settle();
    expect(world.executor.run(withoutSecret.job.id).spec.values).to.deep.equal({ Version: '3.0.0' });
  });

  it('shows Approve/Reject only to approvers who have not decided yet', async () => {
    const pending = await requestDeploy();
    const forRequester = await service.view(alice, world.chat, pending.job.id);
    const forApprover = await service.view(bob, world.chat, pending.job.id);
    expect(JSON.stringify(forRequester?.card)).not.to.contain('"approve"');
    expect(JSON.stringify(forApprover?.card)).to.contain('"approve"');
    expect(await service.view(mallory, world.otherChat, pending.job.id)).to.equal(undefined);
  });
});
