/**
 * Every card the bot can produce, rendered with representative and worst-case data, must:
 * parse and validate without errors in Microsoft's `adaptivecards` library (as a 1.5 host),
 * use nothing newer than Adaptive Cards 1.5 and only Action.Execute with known verbs,
 * and stay within the card budget (far below Teams' 28 KB message limit).
 */
import { expect } from 'chai';
import {
  approvalCard,
  auditCard,
  CARD_BUDGET_BYTES,
  frictionFormCard,
  frictionListCard,
  fullOutputCard,
  helpCard,
  historyCard,
  jobCard,
  jobsListCard,
  mainMenuCard,
  messageCard,
  runbookFormCard,
  runbookHelpCard,
  runbookListCard,
  serializedSize,
  TEAMS_MESSAGE_LIMIT_BYTES,
  Verb,
  welcomeCard,
  whatsNewCard,
} from '../../src/cards/index.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import type { AuditRecord, CatalogChange, FrictionItem, HistoryEntry } from '../../src/store/store.js';
import { alice, bob, chunks, everyTypeRunbook, job, largestPage, numberedLines, param, runbook, unknownRunbookMessage } from './fixtures.js';
import { libraryErrors, structureErrors } from './validate.js';

const now = new Date('2025-03-01T10:05:00.000Z');
const longText = (n: number) => 'Ünïcödé and ascii text, "quoted" & <angled> '.repeat(Math.ceil(n / 44)).slice(0, n);

const commands = [
  ['help', 'This list'],
  ['help <runbook>', 'Parameters, examples and a run command for one runbook'],
  ['search <words>', 'Find runbooks by name, synopsis, category, tag or parameter'],
  ['run <runbook> -Param value -Switch', 'Start a run (PowerShell style, quoted values)'],
  ['run <runbook> param=value', 'Start a run (key=value style)'],
  ['history <runbook>', 'Who ran it, when, with which values, and how it went'],
  ['new [since <date>]', 'What changed in the catalog'],
  ['jobs', 'Your recent jobs'],
  ['job <id>', 'One job card'],
  ['cancel <id>', 'Cancel a running job'],
  ['friction <text>', 'Tell the owners what got in your way'],
  ['frictions', 'What others reported'],
  ['audit', 'The audit log (authorised users)'],
].map(([usage, description]) => ({ usage, description }));

const history: HistoryEntry[] = Array.from({ length: 40 }, (_, i) => ({
  jobId: `j${i}`,
  runbook: 'Restart-AppPool',
  requester: i % 2 ? alice : bob,
  parameters: { Server: `web${i}`, Pool: 'api', Notes: longText(300), ApiKey: '••••••' },
  status: i % 3 ? 'completed' : 'failed',
  conversationKey: 'conv-1',
  createdAt: '2025-03-01T10:00:00.000Z',
  endedAt: '2025-03-01T10:02:00.000Z',
}));

const changes: CatalogChange[] = Array.from({ length: 40 }, (_, i) => ({
  name: `Runbook-${i}-${'N'.repeat(70)}`,
  change: (['added', 'changed', 'removed'] as const)[i % 3],
  at: '2025-03-01T09:00:00.000Z',
  synopsis: longText(400),
  category: 'Storage',
}));

const frictions: FrictionItem[] = Array.from({ length: 40 }, (_, i) => ({
  id: `f${i}`,
  text: longText(2000),
  reporter: alice,
  conversationKey: 'conv-1',
  jobId: `j${i}`,
  runbook: 'Restart-AppPool',
  createdAt: '2025-03-01T09:00:00.000Z',
}));

const audit: AuditRecord[] = Array.from({ length: 60 }, (_, i) => ({
  seq: i,
  at: '2025-03-01T09:00:00.000Z',
  action: i % 5 ? 'job.started' : 'request.refused',
  actor: alice,
  jobId: `j${i}`,
  runbook: 'Restart-AppPool',
  conversationKey: 'conv-1',
  detail: { rule: 'ops-can-restart', reason: longText(400) },
}));

const tableOutput = JSON.stringify(
  Array.from({ length: 5000 }, (_, i) => Object.fromEntries(Array.from({ length: 12 }, (_, c) => [`Column ${c} ${'h'.repeat(30)}`, `value ${i}/${c} ${'v'.repeat(90)}`]))),
  null,
  2,
).split('\n');

const manyParameters = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`Parameter${i}`, longText(500)]));

const approvers = Array.from({ length: 100 }, (_, i) => `29:approver-${i}`);
const pendingJob = job({ status: 'pending_approval', startedAt: undefined, parameters: { Server: 'web01', Environment: 'prod', ApiKey: '••••••' } });
const requirement = { count: 2, groups: ['ops-leads', 'sre-oncall'], expiresInSeconds: 3600 };

/** Every card, by a name that says what data it was rendered with. */
const cards: Record<string, () => AdaptiveCard> = {
  'main menu, 30 long category names': () =>
    mainMenuCard({ categories: Array.from({ length: 30 }, (_, i) => ({ name: `Category ${i} ${'C'.repeat(50)}`, count: i + 1 })), totalRunbooks: 500, userName: 'Alice' }),
  'main menu, 60 categories (capped)': () =>
    mainMenuCard({ categories: Array.from({ length: 60 }, (_, i) => ({ name: `Category ${i}`, count: 2 })), totalRunbooks: 120, userName: 'Alice' }),
  'main menu, empty catalog': () => mainMenuCard({ categories: [], totalRunbooks: 0, userName: 'Alice' }),
  'runbook list, largest page (10 long runbooks, middle page)': () =>
    runbookListCard({ title: 'Active Directory', runbooks: largestPage(10), page: 2, pageSize: 10, total: 47, verb: Verb.category, data: { category: 'Active Directory' } }),
  'runbook list, empty search': () =>
    runbookListCard({ title: 'Search: zzz', runbooks: [], page: 1, pageSize: 8, total: 0, verb: Verb.search, data: { query: 'zzz' }, emptyText: 'Nothing matches zzz.' }),
  'form, every parameter type': () => runbookFormCard({ runbook: everyTypeRunbook, formId: 'form-1' }),
  'form with a choice of target': () => runbookFormCard({ runbook: everyTypeRunbook, formId: 'form-4', targetChoices: ['cloud', 'OnPrem-Web', 'Branch-Office'] }),
  'form, run again with errors and a message': () =>
    runbookFormCard({
      runbook: everyTypeRunbook,
      formId: 'form-2',
      prefill: { ServerName: 'web07', Count: 7, Force: true, Servers: ['a', 'b'], Regions: ['eastus'], StartAt: '2025-03-02T08:30:00Z', ApiKey: '••••••' },
      errors: { Ticket: 'Ticket must look like INC0012345, e.g. INC0012345.', Count: 'Count must be between 1 and 10.', _total: 'The values are too large together.' },
      message: 'Run again with the values of job 4k2x.',
    }),
  'form, 60 parameters with long help': () =>
    runbookFormCard({
      runbook: runbook({ parameters: Array.from({ length: 60 }, (_, i) => param(`Parameter${i}`, { help: longText(400), required: i % 2 === 0 })) }),
      formId: 'form-3',
    }),
  'job, queued': () => jobCard({ job: job({ status: 'queued', startedAt: undefined }), runbook: runbook(), outputTail: [], now, canCancel: true }),
  'job, running with progress and output tail': () =>
    jobCard({ job: job({ progress: 42, progressText: 'Copying volume 3 of 7' }), runbook: runbook(), outputTail: chunks(numberedLines(200, 150)), now, canCancel: true }),
  'job, completed with 10,000 lines of output': () =>
    jobCard({ job: job({ status: 'completed', endedAt: '2025-03-01T10:04:00.000Z', exitCode: 0 }), runbook: runbook(), outputTail: chunks(numberedLines(10_000, 200)), now, canCancel: true }),
  'job, completed with a 5,000-row JSON table': () =>
    jobCard({ job: job({ status: 'completed', endedAt: '2025-03-01T10:04:00.000Z' }), runbook: runbook(), outputTail: chunks(['Collecting disks…', ...tableOutput]), now, canCancel: false }),
  'job, completed with a JSON object': () =>
    jobCard({
      job: job({ status: 'completed', endedAt: '2025-03-01T10:04:00.000Z' }),
      runbook: runbook(),
      outputTail: chunks(JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Key${i}`, longText(300)])), null, 2).split('\n')),
      now,
      canCancel: false,
    }),
  'job, failed with long error and stderr': () =>
    jobCard({
      job: job({ status: 'failed', endedAt: '2025-03-01T10:04:00.000Z', exitCode: 1, error: longText(5000) }),
      runbook: runbook(),
      outputTail: [...chunks(numberedLines(3000, 300)), ...chunks(numberedLines(3000, 300), 'error')],
      now,
      canCancel: false,
    }),
  'job, 60 long parameters, approvals and 10,000 lines': () =>
    jobCard({
      job: job({
        status: 'completed',
        endedAt: '2025-03-01T10:04:00.000Z',
        parameters: manyParameters,
        error: longText(3000),
        approvals: Array.from({ length: 5 }, () => ({ by: bob, decision: 'approved' as const, at: '2025-03-01T09:59:00.000Z', comment: longText(400) })),
      }),
      runbook: runbook({ synopsis: longText(400) }),
      outputTail: chunks(numberedLines(10_000, 400)),
      now,
      canCancel: false,
    }),
  'job, runbook removed from the catalog': () => jobCard({ job: job({ status: 'cancelled', endedAt: '2025-03-01T10:01:00.000Z' }), outputTail: [], now, canCancel: true }),
  'full output, a page of 100 very long lines': () =>
    fullOutputCard({ job: job({ status: 'completed' }), chunks: chunks(numberedLines(100, 1000)), page: 2, pageSize: 100, totalPages: 100 }),
  'full output, empty page': () => fullOutputCard({ job: job(), chunks: [], page: 1, pageSize: 100, totalPages: 1 }),
  'welcome, incident channel with 12 tagged runbooks': () => welcomeCard({ placeName: 'inc-2025-03-db-outage', kind: 'channel', runbooks: largestPage(12), total: 500 }),
  'welcome, personal chat without tagged runbooks': () => welcomeCard({ placeName: 'Alice', kind: 'personal', runbooks: [], total: 12 }),
  'help, all commands and 500 runbooks': () => helpCard({ commands, runbooks: largestPage(500) }),
  'runbook help, every parameter type': () => runbookHelpCard({ runbook: everyTypeRunbook }),
  'runbook help, 60 long parameters and examples': () =>
    runbookHelpCard({
      runbook: runbook({
        description: longText(4000),
        examples: Array.from({ length: 10 }, () => longText(800)),
        parameters: Array.from({ length: 60 }, (_, i) => param(`Parameter${i}`, { help: longText(400), choices: ['a', 'b'] })),
      }),
    }),
  'history, 40 runs': () => historyCard({ runbook: runbook(), entries: history }),
  "what's new, 40 changes": () => whatsNewCard({ changes, since: '2025-02-01T00:00:00.000Z' }),
  "what's new, nothing": () => whatsNewCard({ changes: [], since: '2025-02-01T00:00:00.000Z' }),
  'jobs, 40 jobs': () => jobsListCard({ title: 'Your jobs', jobs: Array.from({ length: 40 }, (_, i) => job({ id: `j${i}`, parameters: manyParameters })) }),
  'jobs, none': () => jobsListCard({ title: 'Recent runs here', jobs: [] }),
  'friction form for a job': () => frictionFormCard({ jobId: '4k2x' }),
  'friction form without a job': () => frictionFormCard({}),
  'friction list, 40 long reports': () => frictionListCard({ items: frictions }),
  'audit, 60 records': () => auditCard({ records: audit }),
  'approval, shared variant for 100 approvers': () =>
    approvalCard({ job: pendingJob, runbook: runbook(), requirement, approverIds: approvers, viewerIsApprover: false, decisions: [] }),
  'approval, approver variant': () =>
    approvalCard({ job: pendingJob, runbook: runbook(), requirement, approverIds: [bob.id], viewerIsApprover: true, decisions: [{ by: bob, decision: 'approved', at: '2025-03-01T10:01:00.000Z' }] }),
  'approval, closed': () =>
    approvalCard({ job: job({ status: 'rejected' }), runbook: runbook(), requirement, approverIds: [bob.id], viewerIsApprover: true, decisions: [{ by: bob, decision: 'rejected', at: '2025-03-01T10:01:00.000Z', comment: 'Not during the freeze' }] }),
  'message, error with example, suggestions and buttons': () => messageCard(unknownRunbookMessage),
  'message, plain info': () => messageCard({ title: 'Cancelled', text: 'Job 4k2x was cancelled.', tone: 'info' }),
};

describe('every card', () => {
  const sizes: [string, number][] = [];

  after(() => {
    sizes.sort((a, b) => b[1] - a[1]);
    console.log('\n    Largest cards (serialized bytes, budget %d, Teams limit %d):', CARD_BUDGET_BYTES, TEAMS_MESSAGE_LIMIT_BYTES);
    for (const [name, size] of sizes.slice(0, 8)) console.log(`      ${String(size).padStart(6)}  ${name}`);
  });

  for (const [name, render] of Object.entries(cards)) {
    describe(name, () => {
      let card: AdaptiveCard;
      before(() => {
        card = render();
        sizes.push([name, serializedSize(card)]);
      });

      it('parses and validates in the adaptivecards library without errors', () => {
        expect(libraryErrors(card)).to.deep.equal([]);
      });

      it('stays within Adaptive Cards 1.5 with Action.Execute and known verbs', () => {
        expect(structureErrors(card)).to.deep.equal([]);
      });

      it('fits the card budget, far below the 28 KB Teams limit', () => {
        expect(serializedSize(card)).to.be.at.most(CARD_BUDGET_BYTES);
        expect(CARD_BUDGET_BYTES).to.be.below(TEAMS_MESSAGE_LIMIT_BYTES);
      });
    });
  }
});

describe('card validation helpers', () => {
  it('report a card the library or Teams would not accept', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.6',
      body: [
        { type: 'Input.Text', id: 'x', isRequired: true },
        { type: 'CodeBlock', codeSnippet: 'x' },
      ],
      actions: [{ type: 'Action.Submit', title: 'Go' }, { type: 'Action.Execute', title: 'Go', verb: 'launchMissiles', data: {} }],
      refresh: { action: { type: 'Action.Execute', verb: 'refreshJob', data: {} } },
    } as AdaptiveCard;
    const library = libraryErrors(broken).join('\n');
    expect(library).to.match(/RequiredInputsShouldHaveLabel/);
    expect(library).to.match(/UnknownElementType/);
    const structure = structureErrors(broken).join('\n');
    expect(structure).to.match(/newer than 1.5/);
    expect(structure).to.match(/CodeBlock/);
    expect(structure).to.match(/Action.Submit/);
    expect(structure).to.match(/unknown verb launchMissiles/);
    expect(structure).to.match(/refresh without userIds/);
  });
});
