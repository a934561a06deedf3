/**
 * The policy, approvals and tamper-proof forms over the real request path: authenticated HTTP
 * activities into the whole bot, a policy file whose groups come from a local Microsoft Graph
 * (token from the bot's own DefaultAzureCredential via an App Service identity endpoint), the
 * local executor and the SQLite store. Every refusal must leave no job and an audit record.
 */
import { expect } from 'chai';
import type { AuditRecord } from '../../src/store/store.js';
import {
  ADA,
  activityText,
  cardText,
  cardsOf,
  executeActions,
  findAction,
  GRACE,
  message,
  personalChat,
  teamChannel,
  type Card,
  type TeamsPlace,
  type TeamsUser,
} from '../support/activities.js';
import { FakeGraph } from '../support/fake-graph.js';
import { until } from './fixtures.js';
import { ShiftableClock, SwitchboardUnderTest } from './switchboard-under-test.js';

const LIN: TeamsUser = { id: '29:1lin-lead', name: 'Lin Lead', aadObjectId: '0d5c2a11-0000-4000-8000-0000000001ea' };
const LINUS: TeamsUser = { id: '29:1linus-nobody', name: 'Linus Nobody', aadObjectId: '0d5c2a11-0000-4000-8000-00000000b0b0' };
const AUDREY: TeamsUser = { id: '29:1audrey', name: 'Audrey Auditor', aadObjectId: '0d5c2a11-0000-4000-8000-0000000a0d17' };

const SRE = { id: 'a1b2c3d4-0000-4000-8000-000000000001', displayName: 'SRE' };
const LEADS = { id: '5f1c7f62-3d1e-4c8e-9b7a-2d3c4e5f6a7b', displayName: 'SRE Leads' };
const AUDITORS = { id: 'a1b2c3d4-0000-4000-8000-0000000000ab', displayName: 'Security Auditors' };

const POLICY = `
auditors: { groups: [Security Auditors] }
rules:
  - { id: greetings-for-all, effect: allow, runbooks: [Get-Greeting], users: ['*'] }
  - id: nobody-greets-root
    effect: deny
    runbooks: [Get-Greeting]
    users: ['*']
    when: "name == 'root'"
    reason: Nobody greets root from chat.
  - { id: incident-dev-for-all, effect: allow, runbooks: [Get-IncidentStatus], users: ['*'], when: "environment == 'dev'" }
  - { id: sre-incidents-nonprod, effect: allow, runbooks: [Get-IncidentStatus], groups: [SRE], when: "environment != 'prod'" }
  - id: sre-incidents-prod
    effect: allow
    runbooks: [Get-IncidentStatus]
    groups: [SRE]
    approval: { approvers: 2, groups: [SRE Leads], expires: 10m }
  - { id: failures-for-all, effect: allow, runbooks: [Invoke-Failure], users: ['*'] }
  - id: no-failures-in-group-chats
    effect: deny
    runbooks: [Invoke-Failure]
    users: ['*']
    places: [groupChat]
    reason: Invoke-Failure is not run from group chats.
`;

describe('policy, approvals and tamper-proof forms over the real request path', function () {
  this.timeout(60_000);
  let graph: FakeGraph;
  let bot: SwitchboardUnderTest;
  const clock = new ShiftableClock();
  let chats = 0;

  before(async () => {
    graph = await FakeGraph.start({ token: 'graph-token-for-the-bot' });
    graph.addUser({ id: ADA.aadObjectId, userPrincipalName: 'ada@contoso.com', groups: [SRE] });
    graph.addUser({ id: GRACE.aadObjectId, userPrincipalName: 'grace@contoso.com', groups: [SRE, LEADS] });
    graph.addUser({ id: LIN.aadObjectId, userPrincipalName: 'lin@contoso.com', groups: [LEADS] });
    graph.addUser({ id: AUDREY.aadObjectId, userPrincipalName: 'audrey@contoso.com', groups: [AUDITORS] });
    bot = await SwitchboardUnderTest.start({ policy: POLICY, graph, clock });
  });
  after(async () => {
    await bot?.close();
    await graph?.close();
  });

  /** A chat of its own per test, so jobs and audit records are easy to tell apart. */
  function freshChat(): TeamsPlace {
    return { ...personalChat(), conversationId: `a:1personal-request-path-${++chats}` };
  }

  async function auditOf(conversationKey: string): Promise<AuditRecord[]> {
    return (await bot.app.store.readAudit({})).filter((r) => r.conversationKey === conversationKey);
  }

  async function refusalsOf(conversationKey: string): Promise<string[]> {
    return (await auditOf(conversationKey)).filter((r) => r.action === 'request.refused').map((r) => String(r.detail?.reason));
  }

  async function jobsIn(place: TeamsPlace) {
    return bot.app.store.listJobs({ conversationKey: place.conversationId });
  }

  /** Opens the form of `runbook` as `user` from a fresh menu; returns the form and the card it replaced. */
  async function openForm(place: TeamsPlace, runbook: string, user: TeamsUser = ADA): Promise<{ form: Card; cardId: string }> {
    const menu = await bot.say(place, 'menu', user);
    const form = await bot.invoke(place, 'openForm', { runbook }, menu.activityId!, user);
    return { form, cardId: menu.activityId! };
  }

  /** A typed run; resolves once the request was answered (a refusal reply or a posted job card). */
  async function typeRun(place: TeamsPlace, text: string, user: TeamsUser): Promise<Card> {
    const activity = message(bot.recorder.url, place, text, user);
    const from = bot.recorder.mark();
    expect((await bot.post(activity)).status).to.equal(200);
    const answer = await bot.recorder.waitFor((r) => r.conversationId === place.conversationId && cardsOf(r.activity).length > 0, {
      from,
      description: `the answer to "${text}"`,
    });
    return cardsOf(answer.activity)[0];
  }

  describe('decisions', () => {
    it('denies values no rule grants, says why, names the rule in the audit log and creates no job', async () => {
      const chat = freshChat();
      const answer = await bot.say(chat, 'run Get-IncidentStatus --service web --environment test', LINUS);
      expect(activityText(answer.activity)).to.contain('No policy rule lets you run Get-IncidentStatus in a personal chat with these values');
      expect(await jobsIn(chat)).to.deep.equal([]);
      const decision = (await auditOf(chat.conversationId)).find((r) => r.action === 'policy.decision');
      expect(decision?.detail).to.deep.include({ effect: 'deny', rule: 'default-deny' });
      expect(decision?.actor?.aadObjectId).to.equal(LINUS.aadObjectId);
    });

    it('answers a deny rule with its reason', async () => {
      const chat = freshChat();
      const answer = await bot.say(chat, 'run Get-Greeting --name root', GRACE);
      expect(activityText(answer.activity)).to.contain('Nobody greets root from chat.');
      const decision = (await auditOf(chat.conversationId)).find((r) => r.action === 'policy.decision');
      expect(decision?.detail).to.deep.include({ effect: 'deny', rule: 'nobody-greets-root' });
      expect(await jobsIn(chat)).to.deep.equal([]);
    });

    it('does not even reveal runbooks the user may not run', async () => {
      const chat = freshChat();
      const answer = await bot.say(chat, 'run Move-Storage --volume v1', LINUS);
      expect(activityText(answer.activity)).to.contain('There is no runbook called');
      expect(await jobsIn(chat)).to.deep.equal([]);
    });

    it('grants by Entra group membership read from Graph', async () => {
      const chat = freshChat();
      await typeRun(chat, 'run Get-IncidentStatus --service web --environment test', ADA);
      expect((await jobsIn(chat)).map((j) => j.runbook)).to.deep.equal(['Get-IncidentStatus']);
      const decision = (await auditOf(chat.conversationId)).find((r) => r.action === 'policy.decision');
      expect(decision?.detail).to.deep.include({ effect: 'allow', rule: 'sre-incidents-nonprod' });
      const graphCalls = graph.requests.filter((r) => r.path.startsWith('/v1.0/'));
      expect(graphCalls.some((r) => r.path === `/v1.0/users/${ADA.aadObjectId}/transitiveMemberOf/microsoft.graph.group`)).to.equal(true);
      expect(graphCalls.every((r) => r.authorization === 'Bearer graph-token-for-the-bot')).to.equal(true);
    });

    it('shows in help only the runbooks the user may run there', async () => {
      const linus = activityText((await bot.say(freshChat(), 'help', LINUS)).activity);
      const ada = activityText((await bot.say(freshChat(), 'help', ADA)).activity);
      const adaInGroupChat = activityText((await bot.say({ kind: 'groupChat', conversationId: `19:group-${++chats}@thread.v2` }, 'help', ADA)).activity);
      expect(linus).to.contain('Get-Greeting').and.contain('Get-IncidentStatus').and.contain('Invoke-Failure').and.not.contain('Move-Storage');
      expect(ada).to.contain('Get-IncidentStatus').and.contain('Invoke-Failure').and.not.contain('Move-Storage');
      // An unconditional deny in a place hides the runbook there.
      expect(adaInGroupChat).to.contain('Get-Greeting').and.not.contain('Invoke-Failure');
    });

    it('lets only auditors read the audit log in chat', async () => {
      expect(activityText((await bot.say(freshChat(), 'audit', LINUS)).activity)).to.contain('Only auditors can read the audit log.');
      expect(activityText((await bot.say(freshChat(), 'audit', AUDREY)).activity)).to.not.contain('Only auditors');
    });
  });

  describe('approvals', () => {
    /** Ada asks for a production run in a channel; resolves with the waiting job and its card. */
    async function requestProduction(): Promise<{ place: TeamsPlace; jobId: string; cardId: string }> {
      const place = teamChannel('ops');
      const from = bot.recorder.mark();
      await bot.post(message(bot.recorder.url, place, 'run Get-IncidentStatus --service db --environment prod', ADA));
      const posted = await bot.recorder.waitFor((r) => r.conversationId === place.conversationId && r.operation !== 'update' && cardsOf(r.activity).length > 0, {
        from,
        description: 'the approval card',
      });
      const [job] = await jobsIn(place);
      expect(job.status).to.equal('pending_approval');
      return { place, jobId: job.id, cardId: posted.activityId! };
    }

    it('needs two approvers from the named group, never the requester, and records who decided', async () => {
      const { place, jobId, cardId } = await requestProduction();
      const approveAs = (user: TeamsUser) => bot.invoke(place, 'approve', { jobId }, cardId, user);
      const buttonsFor = async (user: TeamsUser) =>
        executeActions(await bot.invoke(place, 'refreshJob', { jobId }, cardId, user)).map((a) => a.verb).filter((v) => v === 'approve' || v === 'reject');

      // Universal Action refresh: only approvers see the buttons.
      expect(await buttonsFor(GRACE)).to.deep.equal(['approve', 'reject']);
      expect(await buttonsFor(LINUS)).to.deep.equal([]);
      expect(await buttonsFor(ADA)).to.deep.equal([]);

      expect(cardText(await approveAs(ADA))).to.contain('someone else has to approve');
      expect(cardText(await approveAs(LINUS))).to.contain('Only members of SRE Leads');
      await approveAs(GRACE);
      expect((await bot.app.store.getJob(jobId))?.status).to.equal('pending_approval');
      expect(cardText(await approveAs(GRACE))).to.contain('You already decided');
      await approveAs(LIN);

      const done = await until('the approved run to complete', async () => {
        const job = await bot.app.store.getJob(jobId);
        return job?.status === 'completed' ? job : undefined;
      });
      expect(done.approvals?.map((a) => [a.by.name, a.decision])).to.deep.equal([
        ['Grace Hopper', 'approved'],
        ['Lin Lead', 'approved'],
      ]);
      const audit = await auditOf(place.conversationId);
      const decisions = audit.filter((r) => r.action.startsWith('approval.')).map((r) => `${r.action}:${r.actor?.name ?? ''}:${String(r.detail?.reason ?? '')}`);
      expect(decisions).to.include.members([
        'approval.requested:Ada Lovelace:',
        'approval.refused:Ada Lovelace:self_approval',
        'approval.refused:Linus Nobody:not_approver',
        'approval.approved:Grace Hopper:',
        'approval.approved:Lin Lead:',
      ]);
      const finalCard = await bot.recorder.waitFor((r) => r.targetActivityId === cardId && /Completed/.test(cardText(cardsOf(r.activity)[0] ?? {})), {
        description: 'the completed job card',
      });
      expect(cardText(cardsOf(finalCard.activity)[0])).to.contain('Grace Hopper').and.contain('Lin Lead');
    });

    it('refuses approvals after the request expired', async () => {
      const { place, jobId, cardId } = await requestProduction();
      clock.skip(11 * 60_000);
      const answer = await bot.invoke(place, 'approve', { jobId }, cardId, GRACE);
      expect(cardText(answer)).to.match(/expired/i);
      expect((await bot.app.store.getJob(jobId))?.status).to.equal('rejected');
      expect((await auditOf(place.conversationId)).map((r) => r.action)).to.include('approval.expired');
    });
  });

  describe('tampered submits are refused and audited', () => {
    /** The answer says why, no job exists and the audit log names the reason. */
    async function expectRefused(place: TeamsPlace, answer: Card, says: string, reason: string): Promise<void> {
      expect(cardText(answer)).to.contain(says);
      expect(await jobsIn(place)).to.deep.equal([]);
      expect(await refusalsOf(place.conversationId)).to.deep.equal([reason]);
    }

    it('a form submitted by someone else', async () => {
      const place = teamChannel('shared');
      const { form, cardId } = await openForm(place, 'Get-Greeting', ADA);
      const answer = await bot.click(place, findAction(form, 'submitRun'), cardId, { 'p.name': 'mallory' }, GRACE);
      await expectRefused(place, answer, 'This form was opened by someone else', 'wrong_user');
    });

    it('a changed runbook name in the card data', async () => {
      const chat = freshChat();
      const { form, cardId } = await openForm(chat, 'Get-Greeting');
      const submit = findAction(form, 'submitRun');
      const answer = await bot.click(chat, { ...submit, data: { ...submit.data, runbook: 'Invoke-Failure' } }, cardId, { 'p.name': 'x' });
      await expectRefused(chat, answer, 'This form is for Get-Greeting', 'runbook_mismatch');
    });

    it('extra parameters the form never had', async () => {
      const chat = freshChat();
      const { form, cardId } = await openForm(chat, 'Get-Greeting');
      const answer = await bot.click(chat, findAction(form, 'submitRun'), cardId, { 'p.name': 'x', 'p.command': 'rm -rf /' });
      await expectRefused(chat, answer, 'has no field command', 'extra_parameters');
    });

    it('a double-clicked or replayed submit is answered with the job of the first', async () => {
      const chat = freshChat();
      const { form, cardId } = await openForm(chat, 'Get-Greeting');
      const submit = findAction(form, 'submitRun');
      const [first, second] = await Promise.all([
        bot.click(chat, submit, cardId, { 'p.name': 'once' }),
        bot.click(chat, submit, cardId, { 'p.name': 'once' }),
      ]);
      const replay = await bot.click(chat, submit, cardId, { 'p.name': 'twice' });
      const jobs = await jobsIn(chat);
      expect(jobs).to.have.length(1);
      for (const card of [first, second, replay]) expect(cardText(card)).to.contain(`job ${jobs[0].id}`);
      expect(await refusalsOf(chat.conversationId)).to.deep.equal(['replay', 'replay']);
    });

    it('an expired form', async () => {
      const chat = freshChat();
      const { form, cardId } = await openForm(chat, 'Get-Greeting');
      clock.skip(31 * 60_000);
      const answer = await bot.click(chat, findAction(form, 'submitRun'), cardId, { 'p.name': 'late' });
      await expectRefused(chat, answer, 'This form expired', 'expired_form');
    });

    it('a form id that was never handed out', async () => {
      const chat = freshChat();
      const menu = await bot.say(chat, 'menu');
      const answer = await bot.invoke(chat, 'submitRun', { formId: 'f-made-up', 'p.name': 'x' }, menu.activityId!);
      await expectRefused(chat, answer, 'This form is not known here', 'unknown_form');
    });
  });
});
