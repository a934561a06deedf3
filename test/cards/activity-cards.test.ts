import { expect } from 'chai';
import {
  approvalCard,
  auditCard,
  FRICTION_INPUT_ID,
  FRICTION_MAX_CHARS,
  frictionFormCard,
  frictionListCard,
  historyCard,
  jobsListCard,
  messageCard,
  Verb,
} from '../../src/cards/index.js';
import { SECRET_MASK } from '../../src/domain/job.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import type { HistoryEntry } from '../../src/store/store.js';
import { alice, bob, job, runbook, unknownRunbookMessage } from './fixtures.js';
import { executeActions, nodesOfType, visibleText } from './validate.js';

const verbs = (card: AdaptiveCard) => executeActions(card).map((a) => a.verb);

describe('approval card', () => {
  const pending = job({ status: 'pending_approval', startedAt: undefined, target: 'hw-prod', executor: 'azure:prod', parameters: { Server: 'web01', Environment: 'prod', ApiKey: SECRET_MASK } });
  const requirement = { count: 2, groups: ['ops-leads'], expiresInSeconds: 3600 };
  const approverIds = ['29:alice', '29:bob', ...Array.from({ length: 70 }, (_, i) => `29:approver-${i}`)];
  const render = (viewerIsApprover: boolean, overrides = {}) =>
    approvalCard({ job: pending, runbook: runbook(), requirement, approverIds, viewerIsApprover, decisions: [], ...overrides });

  it('shows the exact parameters (as masked by the caller), the target and the rule', () => {
    const text = visibleText(render(false));
    expect(text).to.include('Alice Example asks to run Restart-AppPool on hybrid worker group hw-prod.');
    expect(text).to.include('Server: web01\nEnvironment: prod\nApiKey: ' + SECRET_MASK);
    expect(text).to.include('Needs: 2 approvals from ops-leads; the requester cannot approve');
    expect(text).to.include('Expires: 2025-03-01 11:00 UTC');
    expect(text).to.include('⏳ Approval needed: 0 of 2 so far');
  });

  it('has no buttons in the shared variant, and a refresh that only approvers’ clients run', () => {
    const shared = render(false);
    expect(verbs(shared)).to.deep.equal([Verb.refreshJob]);
    const refresh = shared.refresh as { action: { verb: string; data: unknown }; userIds: string[] };
    expect(refresh.action).to.deep.include({ verb: Verb.refreshJob, data: { jobId: '4k2x' } });
    expect(refresh.userIds).to.have.length(60);
    expect(refresh.userIds).not.to.include('29:alice');
    expect(refresh.userIds[0]).to.equal('29:bob');
  });

  it('refreshes for everyone (no userIds) when no approver ids are known, so small chats still get per-user views', () => {
    const shared = render(false, { approverIds: [] });
    const refresh = shared.refresh as { action: { verb: string }; userIds?: string[] };
    expect(refresh.action.verb).to.equal(Verb.refreshJob);
    expect(refresh).to.not.have.property('userIds');
  });

  it('gives the approver variant Approve and Reject for this job', () => {
    const approver = render(true, { decisions: [{ by: bob, decision: 'approved', at: '2025-03-01T10:01:00.000Z' }] });
    const buttons = (approver.actions as { verb: string; data: unknown }[]).map((a) => [a.verb, a.data]);
    expect(buttons).to.deep.equal([
      [Verb.approve, { jobId: '4k2x' }],
      [Verb.reject, { jobId: '4k2x' }],
    ]);
    expect(visibleText(approver)).to.include('1 of 2 so far');
    expect(visibleText(approver)).to.include('✅ Approved by Bob Approver');
    expect(approver.refresh).to.not.equal(undefined);
  });

  it('closes once the request is decided: no buttons, no refresh, even for approvers', () => {
    const closed = approvalCard({
      job: job({ status: 'rejected' }),
      runbook: runbook(),
      requirement,
      approverIds,
      viewerIsApprover: true,
      decisions: [{ by: bob, decision: 'rejected', at: '2025-03-01T10:01:00.000Z', comment: 'Not during the freeze' }],
    });
    expect(closed.actions).to.deep.equal([]);
    expect(closed.refresh).to.equal(undefined);
    expect(visibleText(closed)).to.include('⛔ Rejected by Bob Approver');
    expect(visibleText(closed)).to.include('Not during the freeze');
  });
});

describe('history card', () => {
  const entries: HistoryEntry[] = Array.from({ length: 20 }, (_, i) => ({
    jobId: `j${i}`,
    runbook: 'Restart-AppPool',
    requester: i === 0 ? bob : alice,
    parameters: { Server: `web${i}`, ApiKey: SECRET_MASK, Servers: ['a', 'b'] },
    status: i === 0 ? 'failed' : 'completed',
    conversationKey: 'c',
    createdAt: '2025-03-01T10:00:00.000Z',
    endedAt: '2025-03-01T10:01:30.000Z',
  }));
  const card = historyCard({ runbook: runbook(), entries });

  it('shows who ran it, when, with which values and how it went, newest first', () => {
    const text = visibleText(card);
    expect(text).to.include('❌ Failed · job j0\nBob Approver · {{DATE(2025-03-01T10:00:00Z, SHORT)}} {{TIME(2025-03-01T10:00:00Z)}} · finished after 1m 30s');
    expect(text).to.include(`Server=web0, ApiKey=${SECRET_MASK}, Servers=a;b`);
    expect(text).to.include('5 older runs not shown');
  });

  it('lets a reader run again with the values of any listed run', () => {
    const again = executeActions(card).filter((a) => a.verb === Verb.openForm);
    expect(again[0].data).to.deep.equal({ runbook: 'Restart-AppPool', fromJobId: 'j0' });
    expect(again).to.have.length(16);
  });

  it('says when nobody has run it', () => {
    expect(visibleText(historyCard({ runbook: runbook(), entries: [] }))).to.include('Nobody has run it yet.');
  });
});

describe('jobs list card', () => {
  it('lists jobs with status, who and when; Open shows the job card', () => {
    const card = jobsListCard({ title: 'Your jobs', jobs: [job({ status: 'completed' }), job({ id: 'zz9', status: 'running' })] });
    const text = visibleText(card);
    expect(text).to.include('✅ Restart-AppPool · job 4k2x');
    expect(text).to.include('▶️ Restart-AppPool · job zz9\nRunning · Alice Example');
    expect(executeActions(card).filter((a) => a.verb === Verb.refreshJob).map((a) => a.data)).to.deep.equal([{ jobId: '4k2x' }, { jobId: 'zz9' }]);
  });
});

describe('friction cards', () => {
  it('asks for a required text, limited in length, and sends it with the job id', () => {
    const card = frictionFormCard({ jobId: '4k2x' });
    const [input] = nodesOfType(card, 'Input.Text');
    expect(input).to.include({ id: FRICTION_INPUT_ID, isRequired: true, maxLength: FRICTION_MAX_CHARS, isMultiline: true });
    expect(executeActions(card).find((a) => a.verb === Verb.submitFriction)?.data).to.deep.equal({ jobId: '4k2x' });
    expect(executeActions(frictionFormCard({})).find((a) => a.verb === Verb.submitFriction)?.data).to.deep.equal({});
  });

  it('lists reports with who, when and what, capped', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ id: `f${i}`, text: `The form is slow ${i}`, reporter: alice, conversationKey: 'c', jobId: 'j1', runbook: 'Restart-AppPool', createdAt: '2025-03-01T10:00:00.000Z' }));
    const text = visibleText(frictionListCard({ items }));
    expect(text).to.include('Restart-AppPool · job j1\nThe form is slow 0');
    expect(text).not.to.include('The form is slow 15');
    expect(text).to.include('15 older reports not shown');
  });
});

describe('audit card', () => {
  it('lists records with action, actor, time and detail; refusals stand out', () => {
    const card = auditCard({
      records: [
        { at: '2025-03-01T10:00:00.000Z', action: 'request.refused', actor: alice, jobId: 'j1', runbook: 'Restart-AppPool', detail: { reason: 'form used by another user' } },
        { at: '2025-03-01T10:00:01.000Z', action: 'job.started', jobId: 'j2' },
      ],
    });
    const text = visibleText(card);
    expect(text).to.include('request.refused · Alice Example');
    expect(text).to.include('reason=form used by another user');
    const headlines = nodesOfType(card, 'TextBlock').filter((t) => t.weight === 'Bolder' && String(t.text).includes('.'));
    expect(headlines.map((h) => h.color)).to.deep.equal(['attention', 'default']);
  });
});

describe('message card', () => {
  it('states the problem with an example, suggestions and buttons', () => {
    const card = messageCard(unknownRunbookMessage);
    const text = visibleText(card);
    expect(text).to.include('❌ Unknown runbook Restart-AppPol');
    expect(text).to.include('run Restart-AppPool -Server web01');
    expect(text).to.include('Did you mean Restart-AppPool, Restart-Service?');
    expect(executeActions(card)[0]).to.deep.include({ verb: Verb.openForm, data: { runbook: 'Restart-AppPool' } });
  });

  it('colours by tone', () => {
    const tones = (['info', 'warning', 'error'] as const).map((tone) => {
      const [container] = nodesOfType(messageCard({ title: 't', text: 'x', tone }), 'Container');
      return container.style;
    });
    expect(tones).to.deep.equal(['emphasis', 'warning', 'attention']);
  });
});
