/**
 * The measured servers run the way production runs (`npm start`: compiled JavaScript on plain
 * node), not under the tsx loader, whose loader thread alone adds about 35 MB of RSS and would
 * distort P5. They are compiled with the project's TypeScript into bench/.build (incremental, so
 * a second run compiles only what changed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = path.join(BENCH_DIR, '.build');

export interface CompileOutcome {
  ms: number;
  /** tsc's diagnostics (files other helpers are editing may not type-check; JavaScript is emitted anyway). */
  diagnostics: string[];
}

export function compileServers(): CompileOutcome {
  const started = performance.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(BENCH_DIR, 'tsconfig.servers.json')], { encoding: 'utf8' });
  const diagnostics = `${run.stdout}${run.stderr}`.split('\n').filter((line) => /error TS\d+/.test(line));
  if (!existsSync(compiledPath('servers/echo-bot.ts')))
    throw new Error(`Compiling the bench servers produced nothing:\n${run.stdout}${run.stderr}`);
  return { ms: performance.now() - started, diagnostics };
}

/** The compiled JavaScript of a file under bench/ (e.g. servers/echo-bot.ts). */
export function compiledPath(benchFile: string): string {
  return path.join(BUILD_DIR, 'bench', benchFile.replace(/\.ts$/, '.js'));
}
