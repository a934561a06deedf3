import { expect } from 'chai';
import { FULL_OUTPUT_PAGE_SIZE, fullOutputCard, jobCard, Verb } from '../../src/cards/index.js';
import type { JobStatus } from '../../src/domain/job.js';
import { SECRET_MASK } from '../../src/domain/job.js';
import type { AdaptiveCard } from '../../src/domain/message.js';
import { bob, chunks, job, numberedLines, runbook } from './fixtures.js';
import { executeActions, libraryErrors, nodesOfType, visibleText } from './validate.js';

const now = new Date('2025-03-01T10:05:00.000Z');
const ended = '2025-03-01T10:04:00.000Z';
const verbs = (card: AdaptiveCard) => executeActions(card).map((a) => a.verb);
const action = (card: AdaptiveCard, verb: string) => executeActions(card).find((a) => a.verb === verb);

describe('job card', () => {
  it('offers Cancel only while the job is not final and the viewer may cancel', () => {
    const render = (status: JobStatus, canCancel: boolean) => verbs(jobCard({ job: job({ status, endedAt: ended }), runbook: runbook(), outputTail: [], now, canCancel }));
    expect(render('running', true)).to.include(Verb.cancelJob);
    expect(render('queued', true)).to.include(Verb.cancelJob);
    expect(render('running', false)).not.to.include(Verb.cancelJob);
    expect(render('cancelling', true)).not.to.include(Verb.cancelJob);
    for (const final of ['completed', 'failed', 'cancelled', 'timed_out', 'rejected', 'lost'] as JobStatus[]) {
      expect(render(final, true), final).not.to.include(Verb.cancelJob);
    }
    expect(action(jobCard({ job: job(), runbook: runbook(), outputTail: [], now, canCancel: true }), Verb.cancelJob)?.data).to.deep.equal({ jobId: '4k2x' });
  });

  it('renders every status with its own label', () => {
    const statuses: JobStatus[] = ['pending_approval', 'queued', 'running', 'suspended', 'cancelling', 'completed', 'failed', 'cancelled', 'timed_out', 'rejected', 'lost'];
    const headers = statuses.map((status) => {
      const card = jobCard({ job: job({ status, endedAt: ended }), runbook: runbook(), outputTail: [], now, canCancel: true });
      expect(libraryErrors(card), status).to.deep.equal([]);
      return visibleText(card).split('\n')[0];
    });
    expect(new Set(headers).size).to.equal(statuses.length);
    expect(headers[5]).to.equal('✅ Completed');
    expect(headers[6]).to.equal('❌ Failed');
  });

  it('refreshes for the requester (or given users, at most 60) only while the job can still change', () => {
    const running = jobCard({ job: job(), runbook: runbook(), outputTail: [], now, canCancel: true });
    expect(running.refresh).to.deep.equal({
      action: { type: 'Action.Execute', title: 'Refresh', verb: Verb.refreshJob, data: { jobId: '4k2x' } },
      userIds: ['29:alice'],
    });
    const many = jobCard({ job: job(), outputTail: [], now, canCancel: true, refreshUserIds: Array.from({ length: 80 }, (_, i) => `29:u${i}`) });
    expect((many.refresh as { userIds: string[] }).userIds).to.have.length(60);
    expect(jobCard({ job: job({ status: 'completed', endedAt: ended }), outputTail: [], now, canCancel: true }).refresh).to.equal(undefined);
  });

  it('shows who ran it, where, elapsed time and progress while running', () => {
    const text = visibleText(
      jobCard({
        job: job({ progress: 42, progressText: 'Copying volume 3 of 7', executor: 'azure:prod', target: 'hw-group-1', executorStatus: 'Running' }),
        runbook: runbook(),
        outputTail: [],
        now,
        canCancel: true,
      }),
    );
    expect(text).to.include('Requested by: Alice Example · 2025-03-01 10:00 UTC');
    expect(text).to.include('Runs on: hybrid worker group hw-group-1 via azure:prod (Running)');
    expect(text).to.include('Elapsed: 4m 58s');
    expect(text).to.match(/█{8}░{12} 42% · Copying volume 3 of 7/);
  });

  it('shows duration, exit code and no progress once final', () => {
    const text = visibleText(jobCard({ job: job({ status: 'completed', endedAt: ended, exitCode: 0, progress: 100 }), runbook: runbook(), outputTail: [], now, canCancel: true }));
    expect(text).to.include('Duration: 3m 58s');
    expect(text).to.include('Exit code: 0');
    expect(text).not.to.include('100%');
    expect(text).to.include('The runbook printed nothing.');
  });

  it('shows the parameters as given (already masked by the caller)', () => {
    const text = visibleText(jobCard({ job: job({ parameters: { Server: 'web01', ApiKey: SECRET_MASK, Servers: ['a', 'b'], Force: true } }), outputTail: [], now, canCancel: true }));
    expect(text).to.include(`ApiKey: ${SECRET_MASK}`);
    expect(text).to.include('Servers: a, b');
    expect(text).to.include('Force: true');
  });

  it('shows the last lines of output while running', () => {
    const lines = numberedLines(200, 10);
    const text = visibleText(jobCard({ job: job(), runbook: runbook(), outputTail: chunks(lines), now, canCancel: true }));
    expect(text).to.include('Last output');
    expect(text).to.include(lines[199]);
    expect(text).not.to.include(lines[0]);
  });

  it('folds a 10,000-line output to its first and last lines', () => {
    const lines = numberedLines(10_000, 40);
    const card = jobCard({ job: job({ status: 'completed', endedAt: ended }), runbook: runbook(), outputTail: chunks(lines), now, canCancel: true });
    const text = visibleText(card);
    expect(text).to.include(lines[0]);
    expect(text).to.include(lines[9_999]);
    expect(text).not.to.include(lines[5_000]);
    expect(text).to.match(/… 9,9\d\d lines folded: use Show full output …/);
    expect(action(card, Verb.fullOutput)?.data).to.deep.equal({ jobId: '4k2x', page: 1 });
  });

  it('renders a JSON array result as a table with a header row, noting what did not fit', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ Drive: `D${i}`, FreeGB: i, SizeGB: 100, Label: 'data', Fs: 'NTFS', Health: 'ok', Serial: 'x', Bus: 'sata' }));
    const card = jobCard({ job: job({ status: 'completed', endedAt: ended }), runbook: runbook(), outputTail: chunks(['Scanning…', JSON.stringify(rows)]), now, canCancel: true });
    const [table] = nodesOfType(card, 'Table');
    const tableRows = table.rows as { cells: { items: { text: string }[] }[] }[];
    expect(tableRows[0].cells.map((c) => c.items[0].text)).to.deep.equal(['Drive', 'FreeGB', 'SizeGB', 'Label', 'Fs', 'Health']);
    expect(tableRows[1].cells.map((c) => c.items[0].text)).to.deep.equal(['D0', '0', '100', 'data', 'NTFS', 'ok']);
    expect(tableRows).to.have.length(16);
    const text = visibleText(card);
    expect(text).to.include('15 more rows and 2 more columns in the full output.');
    expect(text).to.include('Scanning…');
    expect(text.split('\n')).to.include('Result');
  });

  it('renders a JSON object result as facts', () => {
    const card = jobCard({ job: job({ status: 'completed', endedAt: ended }), outputTail: chunks([JSON.stringify({ Certificate: 'CN=web01', DaysLeft: 12 }, null, 2)]), now, canCancel: true });
    expect(visibleText(card)).to.include('Certificate: CN=web01\nDaysLeft: 12');
  });

  it('shows what went wrong for a failed job, and who approved it', () => {
    const card = jobCard({
      job: job({ status: 'failed', endedAt: ended, error: 'Get-Item : Cannot find path C:\\nope', approvals: [{ by: bob, decision: 'approved', at: '2025-03-01T09:59:30.000Z', comment: 'ok for prod' }] }),
      runbook: runbook(),
      outputTail: chunks(['oops'], 'error'),
      now,
      canCancel: true,
    });
    const text = visibleText(card);
    expect(text).to.include('What went wrong\nGet-Item : Cannot find path C:\\nope');
    expect(text).to.include('✅ Approved by Bob Approver · {{DATE(2025-03-01T09:59:30Z, SHORT)}} {{TIME(2025-03-01T09:59:30Z)}} · ok for prod');
    expect(text).to.include('ERROR: oops');
  });

  it('offers Run again with the job as template, Full output and Report friction', () => {
    const card = jobCard({ job: job({ status: 'completed', endedAt: ended }), runbook: runbook(), outputTail: chunks(['done']), now, canCancel: false });
    expect(verbs(card)).to.deep.equal([Verb.openForm, Verb.fullOutput, Verb.reportFriction]);
    expect(action(card, Verb.openForm)?.data).to.deep.equal({ runbook: 'Restart-AppPool', fromJobId: '4k2x' });
    expect(action(card, Verb.reportFriction)?.data).to.deep.equal({ jobId: '4k2x' });
  });

  it('drops Run again when the runbook left the catalog, and Full output when there is none', () => {
    expect(verbs(jobCard({ job: job({ status: 'completed', endedAt: ended }), outputTail: [], now, canCancel: false }))).to.deep.equal([Verb.reportFriction]);
  });

  it('points at the full output when even a small share of the output does not fit', () => {
    const huge = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`P${i}`, 'v'.repeat(160)]));
    const card = jobCard({
      job: job({ status: 'completed', endedAt: ended, parameters: huge, error: 'e'.repeat(1500), approvals: Array.from({ length: 40 }, () => ({ by: bob, decision: 'approved' as const, at: ended, comment: 'c'.repeat(300) })) }),
      outputTail: chunks(numberedLines(1000, 150)),
      now,
      canCancel: false,
    });
    expect(visibleText(card)).to.include('The output is too large for this card: use Show full output.');
  });
});

describe('full output card', () => {
  it('shows one page with Previous / Next carrying the job id and page number', () => {
    const card = fullOutputCard({ job: job(), chunks: chunks(numberedLines(FULL_OUTPUT_PAGE_SIZE, 10)), page: 2, pageSize: FULL_OUTPUT_PAGE_SIZE, totalPages: 3 });
    const text = visibleText(card);
    expect(text).to.include('entries 101–200 · page 2 of 3');
    expect(text).to.include('line 00001');
    expect(text).to.include('line 00100');
    const paging = executeActions(card).filter((a) => a.verb === Verb.fullOutput).map((a) => a.data);
    expect(paging).to.deep.equal([{ jobId: '4k2x', page: 1 }, { jobId: '4k2x', page: 3 }]);
    expect(action(card, Verb.refreshJob)?.data).to.deep.equal({ jobId: '4k2x' });
  });

  it('includes verbose output and cuts a page of huge lines to fit', () => {
    const card = fullOutputCard({ job: job(), chunks: [...chunks(['detail'], 'verbose'), ...chunks(numberedLines(100, 2000))], page: 1, pageSize: 101, totalPages: 1 });
    const text = visibleText(card);
    expect(text).to.include('VERBOSE: detail');
    expect(text).to.match(/… \d+ more lines of this page did not fit on the card …/);
    expect(executeActions(card).map((a) => a.verb)).to.deep.equal([Verb.refreshJob]);
  });
});
