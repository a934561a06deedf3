/**
 * Starts Azurite's Table service (the real emulator from npm) on a free loopback port for one
 * test run, in memory, and stops it afterwards. Shared by the store contract suite and the
 * reliability tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Azurite's documented development account; the key is public and only valid for the emulator. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const AZURITE_TABLE_MAIN = fileURLToPath(new URL('../../node_modules/azurite/dist/src/table/main.js', import.meta.url));
const STARTED = 'Azurite Table service successfully started';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export interface AzuriteTables {
  /** Account connection string with this instance's port (UseDevelopmentStorage=true would pin 10002). */
  connectionString: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Resolves once Azurite prints its start line; rejects with its output if it exits or stalls. */
function waitUntilStarted(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`Azurite did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes(STARTED)) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`Azurite exited with code ${code} before it started:\n${output}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining the pipes so a chatty emulator never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
}

async function startOnce(port: number): Promise<AzuriteTables> {
  // Azurite reports the configured port, not the bound one, so it gets a concrete free port
  // rather than 0; the small race with another process taking it is handled by retrying.
  const child = spawn(
    process.execPath,
    [
      AZURITE_TABLE_MAIN,
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--silent',
      '--tableHost',
      '127.0.0.1',
      '--tablePort',
      String(port),
      '--skipApiVersionCheck',
      '--loose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    await waitUntilStarted(child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
    stop: () => stopChild(child),
  };
}

export async function startAzurite(): Promise<AzuriteTables> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
