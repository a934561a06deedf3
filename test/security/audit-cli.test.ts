import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { main } from '../../src/cli/audit.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createStore } from '../../src/store/index.js';

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) } };
}

describe('audit CLI (JSON lines export for SIEM)', () => {
  let dir: string;
  let env: Record<string, string>;
  const ada = { id: '29:ada', name: 'Ada', aadObjectId: '0d5c2a11-0000-4000-8000-00000000ada1' };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-audit-'));
    env = { DATA_DIR: dir, SWITCHBOARD_DEV: 'true' };
    const store = await createStore(loadConfig(env).store, silentLogger());
    await store.appendAudit({ at: '2025-12-31T23:59:59.000Z', action: 'run.requested', actor: ada, jobId: 'old1', runbook: 'Get-Status' });
    await store.appendAudit({ at: '2026-01-02T08:00:00.000Z', action: 'run.requested', actor: ada, jobId: 'j1', runbook: 'Restart-AppPool', detail: { parameters: { Server: 'web01' } } });
    await store.appendAudit({ at: '2026-01-02T08:00:00.100Z', action: 'policy.decision', actor: ada, jobId: 'j1', runbook: 'Restart-AppPool', detail: { effect: 'allow', rule: 'sre-non-production' } });
    await store.appendAudit({ at: '2026-01-03T09:00:00.000Z', action: 'request.refused', actor: ada, detail: { reason: 'form expired' } });
    await store.close();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exports the records since a date, one JSON object per line, oldest first', async () => {
    const { out, err, output } = captured();
    expect(await main(['--since', '2026-01-01'], output, env)).to.equal(0);
    const records = out.map((line) => JSON.parse(line));
    expect(records.map((r) => r.action)).to.deep.equal(['run.requested', 'policy.decision', 'request.refused']);
    expect(records[1]).to.deep.include({ at: '2026-01-02T08:00:00.100Z', jobId: 'j1', runbook: 'Restart-AppPool', detail: { effect: 'allow', rule: 'sre-non-production' } });
    expect(records[1].actor).to.deep.equal(ada);
    expect(records[0].seq).to.be.lessThan(records[1].seq);
    expect(err).to.deep.equal(['Exported 3 audit records from the sqlite store.']);
  });

  it('filters by job and limits the count', async () => {
    const { out, output } = captured();
    expect(await main(['--job', 'j1', '--limit', '1'], output, env)).to.equal(0);
    expect(out.map((line) => JSON.parse(line).action)).to.deep.equal(['run.requested']);
  });

  const usage: [string[], string][] = [
    [[], 'Say which records to export: --since <date>'],
    [['--since', 'yesterday'], '--since must be a date like 2026-01-01'],
    [['--since', '2026-13-45'], '--since must be a date like 2026-01-01'],
    [['--since', '2026-01-01', '--limit', '0'], '--limit must be a whole number of at least 1 (got "0")'],
    [['--job', ' '], '--job needs a job id'],
    [['--sinse', '2026-01-01'], "Unknown option '--sinse'"],
    [['--since'], "Option '--since <value>' argument missing"],
    [['export'], "Unexpected argument 'export'"],
  ];
  for (const [argv, message] of usage) {
    it(`exits 2 with a clear message for ${JSON.stringify(argv)}`, async () => {
      const { out, err, output } = captured();
      expect(await main(argv, output, env)).to.equal(2);
      expect(out).to.deep.equal([]);
      expect(err.join('\n')).to.contain(message).and.to.contain('Usage: npm run -s audit');
    });
  }

  it('exits 2 when there is no database where the configuration points', async () => {
    const { err, output } = captured();
    expect(await main(['--since', '2026-01-01'], output, { DATA_DIR: path.join(dir, 'missing'), SWITCHBOARD_DEV: 'true' })).to.equal(2);
    expect(err.join('\n')).to.contain('There is no Switchboard database at').and.to.contain('set DATA_DIR or SQLITE_FILE');
  });

  it('exits 2 on invalid configuration, saying what to set', async () => {
    const { err, output } = captured();
    expect(await main(['--since', '2026-01-01'], output, { STORE: 'mongo' })).to.equal(2);
    expect(err.join('\n')).to.contain('STORE must be sqlite or azure-tables');
  });

  it('runs as `npm run audit` does: JSON lines on stdout, exit code 0', async () => {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'src/cli/audit.ts', '--since', '2026-01-03'], {
      env: { ...process.env, ...env },
    });
    expect(stdout.trim().split('\n').map((line) => JSON.parse(line).action)).to.deep.equal(['request.refused']);
    expect(stderr).to.contain('Exported 1 audit record from the sqlite store.');
  });
});
