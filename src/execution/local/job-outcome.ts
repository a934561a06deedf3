/**
 * How a local job ended, in the words of the job card: maps the supervisor's status.json (or its
 * absence) onto the executor's 'finished' event.
 */
import type { ExecutionEvent } from '../executor.js';
import type { SpoolStatus } from './spool.js';

export type FinishedEvent = Extract<ExecutionEvent, { kind: 'finished' }>;

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

export function finishedEvent(status: SpoolStatus, timeoutMs: number): FinishedEvent {
  const at = status.endedAt;
  const exitCode = status.exitCode ?? undefined;
  const errorText = status.lastErrorLines.join('\n');
  switch (status.reason) {
    case 'timed_out':
      return {
        kind: 'finished',
        status: 'timed_out',
        executorStatus: 'timed out',
        error: `The script ran longer than its timeout of ${duration(timeoutMs)} and was stopped.`,
        at,
      };
    case 'cancelled':
      return { kind: 'finished', status: 'cancelled', executorStatus: 'cancelled', at };
    case 'spawn_failed':
      return { kind: 'finished', status: 'failed', executorStatus: 'not started', error: `The script could not be started: ${status.error}`, at };
    case 'signalled':
      return {
        kind: 'finished',
        status: 'failed',
        executorStatus: `killed by ${status.signal}`,
        error: `The script was killed by signal ${status.signal} from outside Switchboard.${errorText ? `\n${errorText}` : ''}`,
        at,
      };
    case 'exited':
      if (status.exitCode === 0) return { kind: 'finished', status: 'completed', executorStatus: 'exit code 0', exitCode, at };
      return {
        kind: 'finished',
        status: 'failed',
        executorStatus: `exit code ${status.exitCode}`,
        exitCode,
        error: errorText || `The script exited with code ${status.exitCode} and wrote nothing to stderr.`,
        at,
      };
  }
}

export function lostEvent(reason: string): FinishedEvent {
  return {
    kind: 'finished',
    status: 'lost',
    executorStatus: 'lost',
    error: `${reason} The outcome of the script is unknown: check what it changed before running it again.`,
    at: new Date().toISOString(),
  };
}
