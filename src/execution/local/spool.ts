/**
 * The on-disk contract between the local executor (inside the bot) and the job supervisor (a
 * detached process per job). Everything a job leaves behind lives in one directory per job so a
 * bot that was killed can find its jobs again from the files alone:
 *
 *   <spoolDir>/<executorJobId>/
 *     job.json         what was started (no secret values: env is listed by name only)
 *     supervisor.json  pids of the supervisor and of the script (written once the script runs)
 *     output.jsonl     one SpoolRecord per line, appended as the script writes
 *     status.json      how the script ended (written last, atomically; absent while running)
 *     cursor.json      how far the executor has reported (so a reattach does not repeat output)
 *     supervisor.log   the supervisor's own diagnostics (stderr)
 *     work/            the script's working directory
 *     tmp/             the script's TMPDIR
 *
 * This module is imported by both sides, so it uses nothing but node: built-ins.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SPOOL_FILES = {
  job: 'job.json',
  supervisor: 'supervisor.json',
  output: 'output.jsonl',
  status: 'status.json',
  cursor: 'cursor.json',
  log: 'supervisor.log',
  work: 'work',
  tmp: 'tmp',
} as const;

/** What the executor hands the supervisor on its stdin (secrets included, never written to disk). */
export interface SupervisorConfig {
  jobId: string;
  executorJobId: string;
  /** argv: interpreter first. Never a shell string. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  outputCapBytes: number;
  /** Time between SIGTERM and SIGKILL of the script's process group. */
  killGraceMs: number;
}

/** job.json: the config without secrets, for people and for a restarted bot. */
export interface SpoolJob {
  jobId: string;
  executorJobId: string;
  runbook: string;
  command: string[];
  cwd: string;
  envNames: string[];
  timeoutMs: number;
  outputCapBytes: number;
  createdAt: string;
}

export interface SupervisorPids {
  supervisorPid: number;
  /** Also the id of the script's own process group (it is spawned as a group leader). */
  scriptPid: number;
  startedAt: string;
}

/**
 * One line of output.jsonl. `out`/`err` carry text exactly as written, line breaks included
 * (a partial line is flushed without one and continued by the next record of that stream);
 * `note` is a message from the supervisor itself (e.g. the output-cap marker); `progress` comes
 * from a `##progress <percent> <text>` line on stdout.
 */
export type SpoolRecord =
  | { t: string; s: 'out' | 'err' | 'note'; x: string }
  | { t: string; s: 'progress'; p: number; x: string };

export type EndReason = 'exited' | 'signalled' | 'timed_out' | 'cancelled' | 'spawn_failed';

/** status.json, written once the script and everything left in its process group are gone. */
export interface SpoolStatus {
  reason: EndReason;
  exitCode: number | null;
  signal: string | null;
  endedAt: string;
  outputBytes: number;
  outputCut: boolean;
  /** The last few non-empty stderr lines: the failure text on the job card. */
  lastErrorLines: string[];
  /** Why the supervisor could not start the script (spawn_failed). */
  error?: string;
}

/** cursor.json, owned by the executor. */
export interface SpoolCursor {
  /** Byte offset in output.jsonl up to which records were reported. */
  offset: number;
  runningReported: boolean;
  finishedReported: boolean;
}

/** Handshake line the supervisor writes to its stdout once the script was spawned (or failed to). */
export type SupervisorHello = { ok: true; scriptPid: number } | { ok: false; error: string };

export function spoolPath(jobDir: string, file: keyof typeof SPOOL_FILES): string {
  return path.join(jobDir, SPOOL_FILES[file]);
}

/** Write-then-rename, so a reader (or a crash) never sees half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value));
  fs.renameSync(temporary, file);
}

/** The parsed file, or undefined when it does not exist (yet). */
export function readJsonIfExists<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
