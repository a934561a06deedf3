/**
 * Every hostile value goes through validateValues and — when accepted — through the real
 * LocalExecutor to scripts that echo the argv they received as JSON. A value is either refused
 * with a clear reason or arrives byte for byte; nothing is ever interpreted, and no injection
 * attempt leaves a file behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ExecutionEvent } from '../../src/execution/executor.js';
import { LocalExecutor } from '../../src/execution/local/local-executor.js';
import { scriptArguments } from '../../src/execution/local/script-arguments.js';
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../../src/domain/runbook.js';
import { silentLogger } from '../../src/logging/logger.js';
import { MAX_REQUEST_BYTES, validateValues } from '../../src/validation/validate.js';
import { runbook } from './fixtures.js';
import { hostileValues, type HostileValue } from './hostile-values.js';
import { removeWorkspace } from '../support/remove-workspace.js';

const canary = path.join(tmpdir(), `switchboard-canary-${process.pid}-${randomBytes(4).toString('hex')}`);
const corpus = hostileValues(canary);
/** What the corpus says must get through; the first test checks validation agrees. */
const accepted = corpus.filter((entry: HostileValue) => !entry.refused).map((entry) => entry.value);
const SLOTS = 25;

const ECHO_PY = `import argparse, json, sys
parser = argparse.ArgumentParser()
for i in range(${SLOTS}):
    parser.add_argument(f"--value{i}")
for i in range(${SLOTS}):
    parser.add_argument(f"p{i}", nargs="?")
print(json.dumps({"argv": sys.argv[1:], "parsed": vars(parser.parse_args())}))
`;
const ECHO_SH = `#!/usr/bin/env bash
# Hands "$@" to python only to print it as JSON; bash itself never looks inside the values.
exec python3 -c 'import json, sys; print(json.dumps({"argv": sys.argv[1:]}))' "$@"
`;

function slots(options: (i: number) => Partial<ParameterDefinition>): ParameterDefinition[] {
  return Array.from({ length: SLOTS }, (_, i) => ({ name: `Value${i}`, type: 'string', required: false, secret: false, ...options(i) }));
}

const pythonOptions = runbook('Echo-Options', { file: 'echo.py', parameters: slots((i) => ({ flag: `--value${i}` })) });
const pythonPositionals = runbook('Echo-Positionals', { file: 'echo.py', parameters: slots(() => ({ positional: true })) });
const bashPositionals = runbook('Echo-Shell', { language: 'bash', file: 'echo.sh', parameters: slots(() => ({})) });
const single = runbook('Echo-One', { file: 'echo.py', parameters: [{ name: 'Value', type: 'string', required: true, secret: false, flag: '--value0' }] });

/** Groups accepted values into requests that each stay under the request size limit. */
function batches(values: string[]): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const value of values) {
    const size = Buffer.byteLength(value) + 16;
    if (current.length === SLOTS || (current.length && bytes + size > MAX_REQUEST_BYTES - 256)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(value);
    bytes += size;
  }
  if (current.length) result.push(current);
  return result;
}

/**
 * What argparse made of an argv entry equals what was sent. One exception is Python's own: before
 * CPython 3.12.7/3.13 (gh-109475, gh-81691) argparse drops a value that is exactly "--", even
 * from `--option=--` or after the first `--`. The argv entry is still checked to be exact.
 */
function parsedAsSent(sent: string, parsed: unknown): boolean {
  return parsed === sent || (sent === '--' && (parsed === null || Array.isArray(parsed)));
}

async function inPool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]);
      }
    }),
  );
  return results;
}

describe('hostile input corpus: validateValues + LocalExecutor', function () {
  this.timeout(240_000);
  let dir: string;
  let executor: LocalExecutor;
  let jobs = 0;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-hostile-'));
    await mkdir(canary);
    await mkdir(path.join(dir, 'runbooks'));
    await writeFile(path.join(dir, 'runbooks', 'echo.py'), ECHO_PY);
    await writeFile(path.join(dir, 'runbooks', 'echo.sh'), ECHO_SH);
    executor = new LocalExecutor({
      runbooksDir: path.join(dir, 'runbooks'),
      spoolDir: path.join(dir, 'spool'),
      outputCapBytes: 4 * 1024 * 1024,
      logger: silentLogger(),
      pollIntervalMs: 20,
    });
  });

  after(async () => {
    await executor?.close();
    await removeWorkspace(dir);
    await rm(canary, { recursive: true, force: true });
  });

  /** Validates one request the way the request path does, then runs it to the end. */
  async function echo(book: RunbookDefinition, values: string[]): Promise<{ argv: string[]; parsed?: Record<string, unknown> }> {
    const raw = Object.fromEntries(values.map((value, i) => [`Value${i}`, value]));
    const validated = validateValues(book, raw);
    if (!validated.ok) throw new Error(`validation refused a batch: ${validated.issues.map((i) => i.message).join('; ')}`);
    expect(validated.values).to.deep.equal(raw);
    const events: ExecutionEvent[] = [];
    const finished = new Promise<Extract<ExecutionEvent, { kind: 'finished' }>>((resolve) => {
      void executor.start({ jobId: `hostile-${++jobs}`, runbook: book, values: validated.values, target: 'local', timeoutSeconds: 60 }, (event) => {
        events.push(event);
        if (event.kind === 'finished') resolve(event);
      });
    });
    const end = await finished;
    const output = events.flatMap((e) => (e.kind === 'output' && e.stream === 'output' ? [e.text] : [])).join('');
    const errors = events.flatMap((e) => (e.kind === 'output' && e.stream === 'error' ? [e.text] : [])).join('');
    expect(end, `script failed: ${errors.slice(0, 500)}`).to.include({ status: 'completed', exitCode: 0 });
    return JSON.parse(output);
  }

  it(`has at least 200 hostile values (${corpus.length})`, () => {
    expect(corpus.length).to.be.at.least(200);
    expect(new Set(corpus.map((v) => v.label)).size, 'labels are unique').to.equal(corpus.length);
  });

  it('refuses exactly the values that must be refused, each with a reason naming the parameter', () => {
    // Python options are shown to users by their flag, as the script's own help does.
    const named = (issue: { parameter: string; message: string }) => issue.parameter === '*' || issue.message.startsWith('--value0 ');
    const wrong: string[] = [];
    for (const entry of corpus) {
      const result = validateValues(single, { Value: entry.value });
      if (entry.refused) {
        const message = result.ok ? '' : result.issues.map((i) => i.message).join(' ');
        if (result.ok) wrong.push(`${entry.label}: accepted, must be refused`);
        else if (!entry.refused.test(message) || !result.issues.every(named)) wrong.push(`${entry.label}: unclear reason "${message.slice(0, 200)}"`);
      } else if (!result.ok) {
        wrong.push(`${entry.label}: refused (${result.issues[0].message.slice(0, 160)})`);
      } else if (result.values.Value !== entry.value) {
        wrong.push(`${entry.label}: changed by validation`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    expect(accepted.length).to.be.greaterThan(200);
  });

  it('Python options (--flag=value): every accepted value reaches argparse verbatim', async () => {
    const mismatches: string[] = [];
    await inPool(batches(accepted), 4, async (batch) => {
      const { argv, parsed } = await echo(pythonOptions, batch);
      batch.forEach((value, i) => {
        if (argv[i] !== `--value${i}=${value}` || !parsedAsSent(value, parsed?.[`value${i}`])) mismatches.push(JSON.stringify(value).slice(0, 80));
      });
      expect(argv).to.have.length(batch.length);
    });
    expect(mismatches, mismatches.join('\n')).to.deep.equal([]);
  });

  it('Python positionals (after --): every accepted value reaches argparse verbatim', async () => {
    const mismatches: string[] = [];
    await inPool(batches(accepted), 4, async (batch) => {
      const { argv, parsed } = await echo(pythonPositionals, batch);
      expect(argv[0]).to.equal('--');
      batch.forEach((value, i) => {
        if (argv[i + 1] !== value || !parsedAsSent(value, parsed?.[`p${i}`])) mismatches.push(JSON.stringify(value).slice(0, 80));
      });
    });
    expect(mismatches, mismatches.join('\n')).to.deep.equal([]);
  });

  it('bash scripts: every accepted value arrives as one positional parameter, verbatim', async () => {
    const mismatches: string[] = [];
    await inPool(batches(accepted), 4, async (batch) => {
      const { argv } = await echo(bashPositionals, batch);
      if (argv.length !== batch.length) mismatches.push(`batch of ${batch.length} arrived as ${argv.length} arguments`);
      batch.forEach((value, i) => {
        if (argv[i] !== value) mismatches.push(JSON.stringify(value).slice(0, 80));
      });
    });
    expect(mismatches, mismatches.join('\n')).to.deep.equal([]);
  });

  it('PowerShell (-File): every accepted value is one argv entry after its -Name: token', () => {
    const powershell: RunbookDefinition = { ...single, language: 'powershell', parameters: [{ ...single.parameters[0], flag: undefined }] };
    for (const value of accepted) {
      expect(scriptArguments(powershell, { Value: value as ParameterValue }).args).to.deep.equal(['-Value:', value]);
    }
  });

  it('no injection attempt created a file', async () => {
    expect(jobs, 'the executor ran the corpus').to.be.greaterThan(20);
    expect(await readdir(canary)).to.deep.equal([]);
  });
});
