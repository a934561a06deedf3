import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../../../src/domain/runbook.js';
import { ExecutionError } from '../../../src/execution/executor.js';
import { findOnPath } from '../../../src/execution/local/interpreters.js';
import { LocalExecutor, type LocalExecutorOptions } from '../../../src/execution/local/local-executor.js';
import { parameterFixture, runbookFixture } from '../../support/runbook-fixtures.js';
import { useLocalExecutors } from './harness.js';
import { isRunning, waitUntil } from './job-events.js';

const SCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');

/** Values that a shell would mangle; every one must arrive byte for byte. */
const HOSTILE_VALUES = [
  'two words',
  `it's "quoted"`,
  '$(touch /tmp/pwned)',
  'a; rm -rf /',
  'line one\nline two',
  '--help',
  '-rf',
  '`id`',
  '*',
  '',
  'ünïcødé ✓',
];

describe('LocalExecutor', function () {
  const harness = useLocalExecutors(SCRIPTS, { killGraceMs: 300 });
  const executor = (options?: Partial<LocalExecutorOptions>) => harness.executor(options);
  const run = (local: LocalExecutor, runbook: RunbookDefinition, values?: Record<string, ParameterValue>, timeoutSeconds?: number) =>
    harness.start(local, runbook, values, { timeoutSeconds });

  function python(name: string, file: string, parameters: ParameterDefinition[] = []): RunbookDefinition {
    return runbookFixture({ name, language: 'python', file, parameters });
  }

  it('runs a script and reports running, its output and completion in order', async () => {
    const { events } = await run(executor(), python('Ticks', 'ticks.py', [parameterFixture('count', 'int', { flag: '--count' })]), { count: 3 });
    const finished = await events.finished();
    expect(finished).to.include({ status: 'completed', exitCode: 0 });
    expect(events.events[0]).to.include({ kind: 'status', status: 'running' });
    expect(events.text()).to.equal('tick 0\ntick 1\ntick 2\n');
    expect(events.events.at(-1)).to.equal(finished);
  });

  it('streams output while the script runs, not only at the end', async () => {
    const { events } = await run(
      executor(),
      python('Ticks', 'ticks.py', [parameterFixture('count', 'int', { flag: '--count' }), parameterFixture('interval', 'number', { flag: '--interval' })]),
      { count: 6, interval: 0.3 },
    );
    await events.until(() => events.text().includes('tick 0'), 'the first tick');
    expect(events.of('finished')).to.have.length(0);
    await events.finished();
    expect(events.of('output').length).to.be.greaterThan(1);
  });

  it('passes argparse values verbatim as separate argv entries, whatever they contain', async () => {
    const parameters = HOSTILE_VALUES.map((_, i) => parameterFixture(`v${i}`, 'string', { flag: `--v${i}` }));
    parameters.push(
      parameterFixture('force', 'switch', { flag: '--force' }),
      parameterFixture('dry_run', 'switch', { flag: '--dry-run' }),
      parameterFixture('count', 'int', { flag: '--count' }),
      parameterFixture('servers', 'string[]', { flag: '--servers' }),
      parameterFixture('first', 'string', { positional: true }),
      parameterFixture('second', 'string', { positional: true }),
    );
    const values: Record<string, ParameterValue> = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`v${i}`, v]));
    Object.assign(values, { force: true, dry_run: false, count: -5, servers: ['web01', 'web 02'], first: '-x', second: '--' });
    const { events } = await run(executor(), python('Print-Argv', 'print-argv.py', parameters), values);
    await events.finished();
    expect(JSON.parse(events.text())).to.deep.equal([
      ...HOSTILE_VALUES.map((v, i) => `--v${i}=${v}`),
      '--force',
      '--count=-5',
      '--servers',
      'web01',
      'web 02',
      '--',
      '-x',
      '--',
    ]);
  });

  it('passes bash parameters positionally and verbatim, keeping the place of one left out', async () => {
    const parameters = [...HOSTILE_VALUES.map((_, i) => parameterFixture(`p${i}`, 'string', { positional: true })), parameterFixture('skipped'), parameterFixture('last')];
    const values: Record<string, ParameterValue> = Object.fromEntries(HOSTILE_VALUES.map((v, i) => [`p${i}`, v]));
    values.last = 'end';
    const runbook = runbookFixture({ name: 'Print-Argv', language: 'bash', file: 'print-argv.sh', parameters });
    const { events } = await run(executor(), runbook, values);
    await events.finished();
    expect(JSON.parse(events.text())).to.deep.equal([...HOSTILE_VALUES, '', 'end']);
  });

  it('gives the script a minimal environment: none of the bot\'s variables, secrets only as SWITCHBOARD_SECRET_*', async () => {
    process.env.MicrosoftAppPassword = 'bot-secret-that-must-not-leak';
    try {
      const runbook = python('Print-Env', 'print-env.py', [parameterFixture('api_key', 'secret', { flag: '--api-key' })]);
      const { events, executorJobId } = await run(executor(), runbook, { api_key: 's3cr3t value' });
      await events.finished();
      const { env, cwd } = JSON.parse(events.text()) as { env: Record<string, string>; cwd: string };
      expect(env).to.not.have.property('MicrosoftAppPassword');
      expect(JSON.stringify(env)).to.not.include('bot-secret-that-must-not-leak');
      expect(env.SWITCHBOARD_SECRET_API_KEY).to.equal('s3cr3t value');
      expect(env.SWITCHBOARD_JOB_ID).to.equal('job-Print-Env');
      expect(env.PYTHONUNBUFFERED).to.equal('1');
      expect(env.TMPDIR).to.equal(path.join(harness.spoolDir, executorJobId, 'tmp'));
      expect(cwd).to.equal(path.join(harness.spoolDir, executorJobId, 'work'));
      // The secret is neither in argv nor in anything the job directory keeps.
      const onDisk = fs.readdirSync(path.join(harness.spoolDir, executorJobId)).filter((f) => f.endsWith('.json') || f.endsWith('.log'));
      for (const file of onDisk) expect(fs.readFileSync(path.join(harness.spoolDir, executorJobId, file), 'utf8')).to.not.include('s3cr3t');
    } finally {
      delete process.env.MicrosoftAppPassword;
    }
  });

  it('keeps secrets out of the command line that ps shows', async () => {
    const runbook = python('Print-Argv', 'print-argv.py', [parameterFixture('token', 'string', { flag: '--token', secret: true }), parameterFixture('user', 'string', { flag: '--user' })]);
    const { events } = await run(executor(), runbook, { token: 'hunter2', user: 'ada' });
    await events.finished();
    expect(JSON.parse(events.text())).to.deep.equal(['--user=ada']);
  });

  it('reports ##progress lines as progress events and keeps a multi-line JSON document intact', async () => {
    const { events } = await run(executor(), python('Report', 'report.py'));
    await events.finished();
    // Reports arriving within one poll interval are collapsed to the latest.
    const progress = events.of('progress').map((p) => [p.percent, p.text]);
    for (const report of progress) expect([[10, 'Starting'], [50, 'Halfway there'], [100, undefined]]).to.deep.include(report);
    expect(progress.at(-1)).to.deep.equal([100, undefined]);
    expect(events.text()).to.not.include('##progress');
    expect(JSON.parse(events.text())).to.deep.equal([
      { server: 'web01', free: '12 GB' },
      { server: 'web02', free: '3 GB' },
    ]);
    expect(events.text('error')).to.equal('done\n');
  });

  it('reports a non-zero exit as failed with the exit code and the last stderr lines', async () => {
    const { events } = await run(executor(), python('Fail', 'fail.py'));
    const finished = await events.finished();
    expect(finished).to.include({ status: 'failed', exitCode: 3 });
    expect(finished.error).to.equal('first problem\ncould not reach the database');
    expect(events.text()).to.equal('working on it\n');
  });

  it('cuts output at the cap with a marker line and lets the job finish', async () => {
    const cap = 2000;
    const { events } = await run(executor({ outputCapBytes: cap }), python('Chatty', 'chatty.py', [parameterFixture('lines', 'int', { flag: '--lines' })]), { lines: 500 });
    const finished = await events.finished();
    expect(finished.status).to.equal('completed');
    expect(Buffer.byteLength(events.text())).to.equal(cap);
    expect(events.text('warning')).to.match(/^\[output cut: the job wrote more than 2000 bytes/);
  });

  it('stops a script that runs past its timeout together with the processes it started', async () => {
    const started = Date.now();
    const { events } = await run(executor(), python('Tree', 'process-tree.py'), {}, 1);
    await events.until(() => events.text().includes('grandchild'), 'the pids');
    const pids = JSON.parse(events.text()) as { script: number; grandchild: number };
    harness.reap(pids.script, pids.grandchild);
    const finished = await events.finished();
    expect(finished.status).to.equal('timed_out');
    expect(finished.error).to.include('timeout of 1 s');
    expect(Date.now() - started).to.be.below(5000);
    await waitUntil(() => !isRunning(pids.script) && !isRunning(pids.grandchild), 'script and grandchild to be gone');
  });

  it('cancels a job: kills the whole process tree, even one ignoring SIGTERM, and reports cancelled', async () => {
    const local = executor();
    const { events, executorJobId } = await run(local, python('Tree', 'process-tree.py', [parameterFixture('ignore_term', 'switch', { flag: '--ignore-term' })]), { ignore_term: true });
    await events.until(() => events.text().includes('grandchild'), 'the pids');
    const pids = JSON.parse(events.text()) as { script: number; grandchild: number };
    harness.reap(pids.script, pids.grandchild);
    const asked = Date.now();
    await local.cancel(executorJobId);
    const finished = await events.finished();
    const latency = Date.now() - asked;
    expect(finished.status).to.equal('cancelled');
    expect(latency).to.be.below(3000); // the 300 ms grace + one poll interval, with room for a slow machine
    await waitUntil(() => !isRunning(pids.script) && !isRunning(pids.grandchild), 'script and grandchild to be gone');
  });

  it('refuses a script outside the runbooks folder and explains a runbook without a local script', async () => {
    const local = executor();
    const escape = runbookFixture({ name: 'Escape', language: 'python', file: '../job-events.ts' });
    const error = await local.start({ jobId: 'j', runbook: escape, values: {}, target: 'local', timeoutSeconds: 5 }, () => undefined).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ExecutionError).with.property('code', 'not_found');
    const remote = runbookFixture({ name: 'Remote', language: 'python', file: undefined });
    const remoteError = await local.start({ jobId: 'j', runbook: remote, values: {}, target: 'local', timeoutSeconds: 5 }, () => undefined).catch((e: unknown) => e);
    expect(remoteError).to.be.instanceOf(ExecutionError).with.property('code', 'not_local');
  });

  it('runs PowerShell runbooks with pwsh -File, or says clearly that pwsh is missing', async () => {
    const runbook = runbookFixture({
      name: 'Print-Argv',
      language: 'powershell',
      file: 'print-argv.ps1',
      parameters: [parameterFixture('Name'), parameterFixture('Force', 'switch')],
    });
    const local = executor();
    if (findOnPath('pwsh')) {
      const { events } = await run(local, runbook, { Name: '-rf; $(id)', Force: true });
      await events.finished();
      expect(JSON.parse(events.text())).to.deep.equal({ Name: '-rf; $(id)', Force: true });
      return;
    }
    const error = await local.start({ jobId: 'j', runbook, values: {}, target: 'local', timeoutSeconds: 5 }, () => undefined).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ExecutionError).with.property('code', 'not_installed');
    expect((error as Error).message).to.equal(
      'PowerShell 7 (pwsh) is not installed on this machine; install it or run this runbook on a Hybrid Runbook Worker group',
    );
  });

  it('is ready when its spool folder is writable and the supervisor is present', async () => {
    expect(await executor().ready()).to.equal(true);
  });
});
