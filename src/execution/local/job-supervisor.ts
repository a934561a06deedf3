/**
 * Job supervisor: one detached process per local job, started by LocalExecutor as
 * `node job-supervisor.js <jobDir>` with the SupervisorConfig on stdin.
 *
 * It exists so that a job outlives the bot: the bot can be killed (even with kill -9) and a
 * restarted bot finds the job's output and exit status in the job directory (see spool.ts).
 * The supervisor runs in its own session and spawns the script as the leader of its own process
 * group, so cancel and timeout can kill the script together with everything it started.
 *
 * Stdout of the supervisor carries exactly one handshake line (SupervisorHello) and is then
 * closed; its stderr goes to supervisor.log. SIGTERM means "cancel".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import {
  spoolPath,
  writeJsonAtomic,
  type EndReason,
  type SpoolStatus,
  type SupervisorConfig,
  type SupervisorHello,
  type SupervisorPids,
} from './spool.js';
import { SpoolWriter } from './spool-writer.js';
import { StreamLines } from './stream-lines.js';

/** After the script exits, how long its output pipes may stay open (held by leftover children). */
const DRAIN_AFTER_EXIT_MS = 1000;

async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

function say(hello: SupervisorHello): void {
  process.stdout.on('error', () => undefined); // the bot may be gone already; nobody to tell
  process.stdout.end(`${JSON.stringify(hello)}\n`);
}

/** Signals the script's whole process group; a group that is already gone is not an error. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function waitUpTo(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

async function supervise(jobDir: string, config: SupervisorConfig): Promise<void> {
  const output = fs.openSync(spoolPath(jobDir, 'output'), 'a');
  const writer = new SpoolWriter(output, config.outputCapBytes);
  const [command, ...args] = config.command;
  const child = spawn(command, args, {
    cwd: config.cwd,
    env: config.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: cancel/timeout kill the whole tree
    shell: false,
  });
  let endReason: EndReason | undefined;
  let exited = false;

  const writeStatus = (status: Omit<SpoolStatus, 'endedAt' | 'outputBytes' | 'outputCut' | 'lastErrorLines'>): void => {
    writeJsonAtomic(spoolPath(jobDir, 'status'), {
      ...status,
      endedAt: new Date().toISOString(),
      outputBytes: writer.outputBytes,
      outputCut: writer.outputCut,
      lastErrorLines: writer.lastErrorLines,
    } satisfies SpoolStatus);
  };

  child.once('error', (error) => {
    if (child.pid !== undefined) return; // errors after a successful spawn surface as 'exit'
    writeStatus({ reason: 'spawn_failed', exitCode: null, signal: null, error: error.message });
    say({ ok: false, error: error.message });
    fs.closeSync(output);
  });
  if (child.pid === undefined) return;

  const pids: SupervisorPids = { supervisorPid: process.pid, scriptPid: child.pid, startedAt: new Date().toISOString() };
  writeJsonAtomic(spoolPath(jobDir, 'supervisor'), pids);
  say({ ok: true, scriptPid: child.pid });

  const stdout = new StreamLines(child.stdout!, (text) => writer.text('out', text));
  const stderr = new StreamLines(child.stderr!, (text) => writer.text('err', text));

  const stop = (reason: EndReason): void => {
    if (endReason || exited) return;
    endReason = reason;
    signalGroup(child, 'SIGTERM');
    setTimeout(() => signalGroup(child, 'SIGKILL'), config.killGraceMs).unref();
  };
  const timeout = setTimeout(() => stop('timed_out'), config.timeoutMs);
  process.on('SIGTERM', () => stop('cancelled'));

  const [exitCode, signal] = (await new Promise((resolve) => child.once('exit', (...exit) => resolve(exit)))) as [
    number | null,
    NodeJS.Signals | null,
  ];
  exited = true;
  clearTimeout(timeout);
  await waitUpTo(Promise.all([stdout.ended, stderr.ended]), DRAIN_AFTER_EXIT_MS);
  // A job's processes end with the job: nothing it left running in its group stays untracked.
  signalGroup(child, 'SIGKILL');
  stdout.flush();
  stderr.flush();
  writeStatus({ reason: endReason ?? (signal ? 'signalled' : 'exited'), exitCode, signal });
  fs.closeSync(output);
  process.exit(0);
}

const jobDir = process.argv[2];
readStdin()
  .then((text) => supervise(jobDir, JSON.parse(text) as SupervisorConfig))
  .catch((error: unknown) => {
    process.stderr.write(`job supervisor failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  });
