/**
 * Runs the bot as a real child process (`node --import tsx src/index.ts`), the way `npm start`
 * does minus the build, for tests that need process boundaries: kill -9 and restart, SIGTERM
 * during requests, several instances. The process is ready when it logs its `listening` event
 * (a JSON line with the bound URL); every log line is kept, parsed, for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

export interface BotProcess {
  readonly child: ChildProcess;
  /** Base URL of the running bot, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  /** Parsed JSON log lines so far (stdout), in order. */
  readonly logs: LogLine[];
  /** Lines that were not JSON (stderr and anything else), for diagnosing a failed start. */
  readonly otherOutput: string[];
  /** Resolves with the first log line (past or future) matching `predicate`; rejects if the process exits first. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and resolves with the exit code (or signal name) once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  /** kill -9: no cleanup runs in the bot. */
  kill(): Promise<number | string>;
}

export interface StartOptions {
  /** Environment on top of the parent's (PORT=0 and HOST=127.0.0.1 unless given). */
  env: Record<string, string>;
  /** Bound on how long start-up may take. */
  timeoutMs?: number;
}

/** Bot Framework credentials of the parent environment never leak into a test bot. */
const STRIPPED = ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId'];

export async function startBotProcess(options: StartOptions): Promise<BotProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  for (const key of STRIPPED) delete env[key];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void; reject: (error: Error) => void }>();
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      const status = code ?? signal ?? 'unknown';
      // Nothing more will be logged: whoever still waits learns it now, not at their timeout.
      for (const waiter of [...waiters]) waiter.reject(new Error(`Bot process exited (${status}) before the awaited line. Output:\n${tail(logs, otherOutput)}`));
      resolve(status);
    }),
  );

  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = parseLine(text);
    if (!line) return void otherOutput.push(text);
    logs.push(line);
    for (const waiter of [...waiters])
      if (waiter.predicate(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
  });
  readline.createInterface({ input: child.stderr! }).on('line', (text) => otherOutput.push(text));

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> => {
    const seen = logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`Bot process did not log the awaited line within ${timeoutMs} ms. Output:\n${tail(logs, otherOutput)}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const listening = await waitForLog((line) => line.event === 'listening', options.timeoutMs ?? 30_000);

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { child, url: String(listening.url), logs, otherOutput, waitForLog, stop, kill: () => stop('SIGKILL') };
}

function parseLine(text: string): LogLine | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}

function tail(logs: LogLine[], other: string[]): string {
  return [...logs.slice(-15).map((l) => JSON.stringify(l)), ...other.slice(-15)].join('\n');
}
