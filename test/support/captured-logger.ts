import { createLogger, type Logger } from '../../src/logging/logger.js';

/** A logger writing JSON lines into `lines`, so tests can assert what was logged. */
export function capturedLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = { write: (line: string) => void lines.push(line.trimEnd()) };
  return { logger: createLogger(level, destination), lines };
}
