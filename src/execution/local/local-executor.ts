/**
 * The embedded executor: runs runbook scripts on this machine. Each job runs under its own
 * detached supervisor process (job-supervisor.ts) that owns the script, its timeout and its
 * output cap and records everything in a job directory (spool.ts). The executor only starts
 * supervisors and follows their job directories, so a bot that is killed — even with kill -9 —
 * leaves its jobs running, and the next bot reattaches to them and reports what it missed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logging/logger.js';
import { ExecutionError, type ExecutionListener, type ExecutionSpec, type Executor } from '../executor.js';
import { Interpreters, type InterpreterPaths } from './interpreters.js';
import { jobEnvironment } from './job-environment.js';
import { lostEvent } from './job-outcome.js';
import { scriptArguments } from './script-arguments.js';
import { readJsonIfExists, spoolPath, writeJsonAtomic, type SpoolCursor, type SpoolJob, type SupervisorConfig } from './spool.js';
import { SpoolTail } from './spool-tail.js';
import { launchSupervisor, SUPERVISOR_FILE } from './supervisor-process.js';

export interface LocalExecutorOptions extends InterpreterPaths {
  runbooksDir: string;
  /** One directory per job is created here (e.g. data/jobs). */
  spoolDir: string;
  /** Output kept per job; the rest is cut with a marker line. */
  outputCapBytes: number;
  logger: Logger;
  /** How often job directories are read; output written in between is reported as one event. */
  pollIntervalMs?: number;
  /** Between SIGTERM and SIGKILL when a job is cancelled or times out. */
  killGraceMs?: number;
  /** Job directories of jobs that finished (and were reported) longer ago are deleted at startup. */
  retainFinishedHours?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_KILL_GRACE_MS = 5000;
const DEFAULT_RETAIN_FINISHED_HOURS = 72;
/** Executor job ids name directories: nothing that could climb out of the spool directory. */
const EXECUTOR_JOB_ID = /^[A-Za-z0-9_-]{1,80}$/;

export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly runbooksDir: string;
  private readonly spoolDir: string;
  private readonly interpreters: Interpreters;
  private readonly tails = new Map<string, SpoolTail>();
  private readonly pollIntervalMs: number;
  private readonly killGraceMs: number;

  constructor(private readonly options: LocalExecutorOptions) {
    this.runbooksDir = path.resolve(options.runbooksDir);
    this.spoolDir = path.resolve(options.spoolDir);
    this.interpreters = new Interpreters(options);
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    fs.mkdirSync(this.spoolDir, { recursive: true });
    this.pruneFinished((options.retainFinishedHours ?? DEFAULT_RETAIN_FINISHED_HOURS) * 3600_000);
  }

  async start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string> {
    const { runbook } = spec;
    if (!(spec.timeoutSeconds > 0))
      throw new ExecutionError(`The timeout of ${runbook.name} must be positive (got ${spec.timeoutSeconds}).`, 'bad_value');
    const { args, secretEnv } = scriptArguments(runbook, spec.values);
    const command = [...this.interpreters.commandFor(runbook.language, this.scriptPath(spec)), ...args];
    const executorJobId = `${spec.jobId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60)}-${randomBytes(4).toString('hex')}`;
    const jobDir = path.join(this.spoolDir, executorJobId);
    const cwd = path.join(jobDir, 'work');
    const tmpDir = path.join(jobDir, 'tmp');
    fs.mkdirSync(cwd, { recursive: true });
    fs.mkdirSync(tmpDir, { recursive: true });
    const config: SupervisorConfig = {
      jobId: spec.jobId,
      executorJobId,
      command,
      cwd,
      env: jobEnvironment({ jobId: spec.jobId, tmpDir, secretEnv, base: process.env }),
      timeoutMs: spec.timeoutSeconds * 1000,
      outputCapBytes: this.options.outputCapBytes,
      killGraceMs: this.killGraceMs,
    };
    const job: SpoolJob = {
      jobId: spec.jobId,
      executorJobId,
      runbook: runbook.name,
      command,
      cwd,
      envNames: Object.keys(config.env),
      timeoutMs: config.timeoutMs,
      outputCapBytes: config.outputCapBytes,
      createdAt: new Date().toISOString(),
    };
    writeJsonAtomic(spoolPath(jobDir, 'job'), job);
    const started = await launchSupervisor(jobDir, config);
    this.options.logger.info(
      { job: spec.jobId, executorJobId, runbook: runbook.name, ...started },
      'local job started',
    );
    this.follow(jobDir, job, { offset: 0, runningReported: false, finishedReported: false }, listener);
    return executorJobId;
  }

  async cancel(executorJobId: string): Promise<void> {
    const jobDir = this.jobDir(executorJobId);
    if (!fs.existsSync(spoolPath(jobDir, 'job')))
      throw new ExecutionError(`There is no local job ${executorJobId} on this machine.`, 'not_found');
    if (fs.existsSync(spoolPath(jobDir, 'status'))) return; // already over; the finished event tells how
    const pids = readJsonIfExists<{ supervisorPid: number }>(spoolPath(jobDir, 'supervisor'));
    if (!pids) throw new ExecutionError(`The local job ${executorJobId} has no running supervisor to cancel.`, 'not_found');
    try {
      // The supervisor turns SIGTERM into: stop the script's process group, record 'cancelled'.
      process.kill(pids.supervisorPid, 'SIGTERM');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  async reattach(jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void> {
    const jobDir = this.jobDir(executorJobId);
    const job = readJsonIfExists<SpoolJob>(spoolPath(jobDir, 'job'));
    if (!job) {
      listener(
        lostEvent(
          `No job directory for ${executorJobId} exists under ${this.spoolDir} — the job ran on another machine or its files were removed.`,
        ),
      );
      return;
    }
    if (job.jobId !== jobId)
      throw new ExecutionError(`Local job ${executorJobId} belongs to job ${job.jobId}, not ${jobId}.`, 'mismatch');
    const cursor = readJsonIfExists<SpoolCursor>(spoolPath(jobDir, 'cursor')) ?? {
      offset: 0,
      runningReported: false,
      finishedReported: false,
    };
    this.detach(executorJobId);
    this.follow(jobDir, job, cursor, listener);
  }

  detach(executorJobId: string): void {
    this.tails.get(executorJobId)?.stop();
    this.tails.delete(executorJobId);
  }

  async ready(): Promise<boolean> {
    try {
      fs.accessSync(this.spoolDir, fs.constants.W_OK);
      fs.accessSync(SUPERVISOR_FILE, fs.constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops following jobs; they keep running and can be reattached by the next executor. */
  async close(): Promise<void> {
    for (const executorJobId of [...this.tails.keys()]) this.detach(executorJobId);
  }

  private follow(jobDir: string, job: SpoolJob, cursor: SpoolCursor, listener: ExecutionListener): void {
    const { executorJobId } = job;
    const tail = new SpoolTail({
      jobDir,
      job,
      cursor,
      listener,
      pollIntervalMs: this.pollIntervalMs,
      logger: this.options.logger.child({ job: job.jobId, executorJobId }),
      onDone: () => {
        if (this.tails.get(executorJobId) === tail) this.tails.delete(executorJobId);
      },
    });
    this.tails.set(executorJobId, tail);
  }

  /** The runbook's script, which must lie inside the runbooks folder. */
  private scriptPath({ runbook }: ExecutionSpec): string {
    if (!runbook.file)
      throw new ExecutionError(
        `${runbook.name} has no local script (it is known only from Azure Automation), so it cannot run on this machine.`,
        'not_local',
        'Run it on Azure Automation (target "cloud" or a Hybrid Runbook Worker group).',
      );
    const script = path.resolve(this.runbooksDir, runbook.file);
    if (!script.startsWith(this.runbooksDir + path.sep) || !fs.existsSync(script))
      throw new ExecutionError(
        `The script of ${runbook.name} (${runbook.file}) is not in ${this.runbooksDir}.`,
        'not_found',
        'The catalog may be out of date; wait for it to reload or check the runbooks folder.',
      );
    return script;
  }

  private jobDir(executorJobId: string): string {
    if (!EXECUTOR_JOB_ID.test(executorJobId))
      throw new ExecutionError(`"${executorJobId}" is not a local job id.`, 'not_found');
    return path.join(this.spoolDir, executorJobId);
  }

  private pruneFinished(olderThanMs: number): void {
    const cutoff = Date.now() - olderThanMs;
    for (const entry of fs.readdirSync(this.spoolDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const jobDir = path.join(this.spoolDir, entry.name);
      try {
        const cursor = readJsonIfExists<SpoolCursor>(spoolPath(jobDir, 'cursor'));
        const statusFile = spoolPath(jobDir, 'status');
        if (!cursor?.finishedReported || !fs.existsSync(statusFile)) continue;
        if (fs.statSync(statusFile).mtimeMs < cutoff) fs.rmSync(jobDir, { recursive: true, force: true });
      } catch (error) {
        this.options.logger.warn({ err: error, jobDir }, 'local executor: could not check an old job directory; it is kept');
      }
    }
  }
}
