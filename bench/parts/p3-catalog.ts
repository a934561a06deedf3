/** P3 — catalog parse, live edit, search and history: measured inside servers/catalog-probe.ts. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, compiledPath } from '../lib/compile.js';
import { startServerProcess } from '../lib/server-process.js';
import type { CatalogProbeArgs, CatalogProbeResult } from '../servers/catalog-probe.js';

export type P3Settings = Pick<CatalogProbeArgs, 'edits' | 'queries' | 'historyRows'>;
export type P3Result = CatalogProbeResult & { settings: P3Settings };

export async function measureCatalog(runbooksDir: string, workDir: string, settings: P3Settings, nodeArgs: string[] = []): Promise<P3Result> {
  const probeFile = compiledPath('servers/catalog-probe.ts');
  const probe = await startServerProcess(probeFile, { nodeArgs });
  try {
    const args: CatalogProbeArgs = {
      runbooksDir,
      databaseFile: path.join(workDir, 'history.db'),
      historyCacheFile: historyCacheFile(settings.historyRows, runbooksDir, probeFile),
      ...settings,
    };
    return { settings, ...(await probe.channel.request<CatalogProbeResult>('run', args)) };
  } finally {
    await probe.stop();
  }
}

/**
 * Where a filled history database is kept between runs. Its name hashes everything that decides
 * its content: the row count, the scripts (runbook names), the probe that writes the rows and the
 * SQLite store's schema and code — change any of them and the rows are written afresh.
 */
function historyCacheFile(rows: number, runbooksDir: string, probeFile: string): string {
  const hash = createHash('sha256').update(String(rows)).update(readdirSync(runbooksDir).sort().join('\n')).update(readFileSync(probeFile));
  const storeDir = path.join(BENCH_DIR, '..', 'src', 'store', 'sqlite');
  for (const file of readdirSync(storeDir).sort()) hash.update(readFileSync(path.join(storeDir, file)));
  return path.join(BENCH_DIR, '.build', 'cache', `history-${rows}-${hash.digest('hex').slice(0, 16)}.db`);
}
