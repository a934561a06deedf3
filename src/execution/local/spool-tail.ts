/**
 * Follows one job directory from inside the bot and reports it as ExecutionEvents: running,
 * output (small writes coalesced per poll interval), progress, finished — or lost when the
 * supervisor vanished without leaving a status. The position reached is saved in cursor.json
 * after every report, so a bot that restarts (or another executor instance) continues where this
 * one stopped instead of repeating output.
 */
import fs from 'node:fs';
import type { Logger } from '../../logging/logger.js';
import type { ExecutionEvent, ExecutionListener } from '../executor.js';
import { isSupervisorAlive, killOrphanedScript } from './job-processes.js';
import { finishedEvent, lostEvent } from './job-outcome.js';
import {
  readJsonIfExists,
  spoolPath,
  writeJsonAtomic,
  type SpoolCursor,
  type SpoolJob,
  type SpoolRecord,
  type SpoolStatus,
  type SupervisorPids,
} from './spool.js';

/** Largest text in one output event; a flood of output becomes several events, not one huge one. */
const MAX_EVENT_CHARS = 16 * 1024;
/** Most bytes read per poll, so one chatty job cannot stall the bot's event loop. */
const MAX_READ_BYTES = 4 * 1024 * 1024;
/** Checking that the supervisor still lives costs a /proc read; once a second is plenty. */
const LIVENESS_EVERY_MS = 1000;

export interface SpoolTailOptions {
  jobDir: string;
  job: SpoolJob;
  cursor: SpoolCursor;
  listener: ExecutionListener;
  pollIntervalMs: number;
  logger: Logger;
  /** Called once the finished (or lost) event was delivered. */
  onDone: () => void;
}

export class SpoolTail {
  private readonly timer: NodeJS.Timeout;
  private readonly cursor: SpoolCursor;
  private lastLivenessCheck = 0;
  private stopped = false;

  constructor(private readonly options: SpoolTailOptions) {
    this.cursor = { ...options.cursor };
    this.timer = setInterval(() => this.poll(), options.pollIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private poll(): void {
    if (this.stopped) return;
    try {
      this.step();
    } catch (error) {
      this.options.logger.error({ err: error, jobDir: this.options.jobDir }, 'local job: reading the job directory failed');
    }
  }

  private step(): void {
    const { jobDir } = this.options;
    const livenessDue = Date.now() - this.lastLivenessCheck >= LIVENESS_EVERY_MS;
    // Order matters: a supervisor found dead before status.json is read cannot write it afterwards,
    // and status.json is only written after the last output record.
    const supervisorGone = livenessDue && !this.supervisorAlive();
    if (livenessDue) this.lastLivenessCheck = Date.now();
    const status = readJsonIfExists<SpoolStatus>(spoolPath(jobDir, 'status'));
    const events: ExecutionEvent[] = [];
    if (!this.cursor.runningReported) {
      events.push({ kind: 'status', status: 'running', executorStatus: 'running', at: new Date().toISOString() });
      this.cursor.runningReported = true;
    }
    const { records, offset, more } = this.readRecords();
    events.push(...toEvents(records));
    this.cursor.offset = offset;
    if (!more && status) events.push(finishedEvent(status, this.options.job.timeoutMs));
    else if (!more && supervisorGone) events.push(this.lost());
    const finished = events.at(-1)?.kind === 'finished';
    if (finished) this.cursor.finishedReported = true;
    if (events.length) this.deliver(events);
    if (finished) {
      this.stop();
      this.options.onDone();
    }
  }

  private deliver(events: ExecutionEvent[]): void {
    for (const event of events) {
      try {
        this.options.listener(event);
      } catch (error) {
        this.options.logger.error({ err: error, event: event.kind }, 'local job: the event listener failed');
      }
    }
    writeJsonAtomic(spoolPath(this.options.jobDir, 'cursor'), this.cursor);
  }

  private supervisorAlive(): boolean {
    const pids = readJsonIfExists<SupervisorPids>(spoolPath(this.options.jobDir, 'supervisor'));
    return pids !== undefined && isSupervisorAlive(pids.supervisorPid, this.options.jobDir);
  }

  private lost(): ExecutionEvent {
    const { jobDir, job, logger } = this.options;
    const pids = readJsonIfExists<SupervisorPids>(spoolPath(jobDir, 'supervisor'));
    const killed = pids ? killOrphanedScript(pids.scriptPid, job.jobId) : false;
    logger.warn({ jobDir, pids, killedOrphan: killed }, 'local job lost: its supervisor is gone and left no status');
    const who = pids ? `(pid ${pids.supervisorPid})` : '';
    return lostEvent(
      `The local job's supervisor process ${who} is gone and left no exit status — the machine may have restarted or the process was killed.${killed ? ' What was left of the script was stopped.' : ''}`,
    );
  }

  private outputSize(): number {
    try {
      return fs.statSync(spoolPath(this.options.jobDir, 'output')).size;
    } catch {
      return 0;
    }
  }

  /**
   * Complete records after the cursor; a line still being written is left for the next poll.
   * `more` says the read stopped at MAX_READ_BYTES rather than at the end of the file.
   */
  private readRecords(): { records: SpoolRecord[]; offset: number; more: boolean } {
    const start = this.cursor.offset;
    const size = this.outputSize();
    if (size <= start) return { records: [], offset: start, more: false };
    const buffer = Buffer.alloc(Math.min(size - start, MAX_READ_BYTES));
    const fd = fs.openSync(spoolPath(this.options.jobDir, 'output'), 'r');
    try {
      fs.readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      fs.closeSync(fd);
    }
    const end = buffer.lastIndexOf(0x0a) + 1;
    const records = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SpoolRecord);
    return { records, offset: start + end, more: size - start > buffer.length };
  }
}

/**
 * Adjacent text of one stream becomes one output event (up to MAX_EVENT_CHARS); of several
 * progress reports in a row only the latest matters.
 */
export function toEvents(records: SpoolRecord[]): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const record of records) {
    const previous = events.at(-1);
    if (record.s === 'progress') {
      const progress: ExecutionEvent = { kind: 'progress', percent: record.p, text: record.x || undefined, at: record.t };
      if (previous?.kind === 'progress') events[events.length - 1] = progress;
      else events.push(progress);
      continue;
    }
    const stream = record.s === 'out' ? 'output' : record.s === 'err' ? 'error' : 'warning';
    if (previous?.kind === 'output' && previous.stream === stream && previous.text.length + record.x.length <= MAX_EVENT_CHARS)
      previous.text += record.x;
    else events.push({ kind: 'output', stream, text: record.x, at: record.t });
  }
  return events;
}
