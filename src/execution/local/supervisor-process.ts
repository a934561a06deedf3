/**
 * Starts a job supervisor (job-supervisor.ts) as a detached process and waits for its
 * handshake. The supervisor file sits next to this module: compiled to job-supervisor.js in
 * dist/ by the normal build, and run from source through tsx's loader when the bot itself runs
 * from source (tests, `npm run dev`) — so no build step has to copy anything.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ExecutionError } from '../executor.js';
import { spoolPath, type SupervisorConfig, type SupervisorHello } from './spool.js';

const HERE = fileURLToPath(import.meta.url);
const FROM_SOURCE = HERE.endsWith('.ts');
export const SUPERVISOR_FILE = path.join(path.dirname(HERE), FROM_SOURCE ? 'job-supervisor.ts' : 'job-supervisor.js');
const HANDSHAKE_TIMEOUT_MS = 15_000;

function nodeArguments(jobDir: string): string[] {
  if (!FROM_SOURCE) return [SUPERVISOR_FILE, jobDir];
  // An absolute URL, because the supervisor's working directory (the job directory) may lie
  // outside the project where a bare 'tsx' would not resolve.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsxLoader, SUPERVISOR_FILE, jobDir];
}

/**
 * The supervisor gets no environment of the bot (which holds MicrosoftAppPassword and the like):
 * the script's environment travels in the config on stdin. NODE_V8_COVERAGE is kept so coverage
 * runs (c8) measure the supervisor too; it names a directory, nothing secret.
 */
function supervisorEnvironment(): Record<string, string> {
  const coverage = process.env.NODE_V8_COVERAGE;
  return coverage ? { NODE_V8_COVERAGE: coverage } : {};
}

export interface StartedSupervisor {
  supervisorPid: number;
  scriptPid: number;
}

/** Resolves once the script runs; rejects with ExecutionError('start_failed') when it could not start. */
export function launchSupervisor(jobDir: string, config: SupervisorConfig): Promise<StartedSupervisor> {
  const log = fs.openSync(spoolPath(jobDir, 'log'), 'a');
  const child = spawn(process.execPath, nodeArguments(jobDir), {
    cwd: jobDir,
    env: supervisorEnvironment(),
    stdio: ['pipe', 'pipe', log],
    detached: true, // own session: a signal to the bot's process group does not reach the job
    shell: false,
  });
  fs.closeSync(log);
  const stdin = child.stdin!;
  const stdout = child.stdout!;
  const failed = (reason: string) =>
    new ExecutionError(
      `The local job could not be started: ${reason}`,
      'start_failed',
      `See ${spoolPath(jobDir, 'log')} for the supervisor's own messages.`,
    );

  return new Promise<StartedSupervisor>((resolve, reject) => {
    let answer = '';
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`the job supervisor did not answer within ${HANDSHAKE_TIMEOUT_MS / 1000} s`));
    }, HANDSHAKE_TIMEOUT_MS);
    const finish = (outcome: StartedSupervisor | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stdout.removeAllListeners();
      stdout.destroy();
      stdin.destroy();
      child.unref(); // the job must not keep the bot alive, nor die with it
      if (outcome instanceof Error) reject(failed(outcome.message));
      else resolve(outcome);
    };
    child.once('error', (error) => finish(error));
    stdin.on('error', () => undefined); // a supervisor that died early is reported by the handshake
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => (answer += chunk));
    stdout.once('close', () => {
      const hello = parseHello(answer);
      if (!hello) return finish(new Error('the job supervisor exited before starting the script'));
      if (!hello.ok) return finish(new Error(hello.error));
      finish({ supervisorPid: child.pid!, scriptPid: hello.scriptPid });
    });
    stdin.end(JSON.stringify(config));
  });
}

function parseHello(answer: string): SupervisorHello | undefined {
  try {
    return JSON.parse(answer.split('\n')[0]) as SupervisorHello;
  } catch {
    return undefined;
  }
}
