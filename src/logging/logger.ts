import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON-lines logs. Child loggers carry a correlation id (`cid`: the activity id of a
 * request, or `job` for a job) so one request or job can be followed across layers.
 * Secrets never reach the logger: callers pass masked parameters only.
 */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'switchboard' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that discards everything (tests, CLIs that print their own output). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
