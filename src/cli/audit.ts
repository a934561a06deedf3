/**
 * `npm run audit -- --since 2026-01-01 [--job <id>] [--limit <n>]`: exports the audit log of the
 * configured store (STORE, SQLITE_FILE / AZURE_TABLES_*) as JSON lines on stdout, oldest first,
 * one record per line, for SIEM ingestion (e.g. `npm run -s audit -- --since 2026-01-01 > audit.jsonl`).
 * Diagnostics go to stderr so stdout stays machine-readable.
 * Exit codes: 0 exported (possibly nothing), 1 the store could not be read, 2 bad usage or configuration.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logging/logger.js';
import type { AuditRecord } from '../store/store.js';
import { createStore } from '../store/index.js';
import type { CliOutput } from './catalog.js';

const USAGE = `Usage: npm run -s audit -- --since <date> [--job <id>] [--limit <n>]
  --since <date>  records at or after this time, e.g. 2026-01-01 or 2026-01-01T08:00:00Z
  --job <id>      only the records of one job (e.g. --job 4k2x)
  --limit <n>     at most n records
At least one of --since or --job is required. Output: one JSON object per line on stdout.
Exit code: 0 exported, 1 the store could not be read, 2 bad usage or configuration.`;

const streams: CliOutput = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

interface ExportFilter {
  since?: string;
  jobId?: string;
  limit?: number;
}

/** The filter from the command line, or the reason it is not usable. */
function filterFrom(argv: string[]): ExportFilter | { help: true } | { problem: string } {
  let values: { since?: string; job?: string; limit?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { since: { type: 'string' }, job: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (values.help) return { help: true };
  if (values.since === undefined && values.job === undefined)
    return { problem: 'Say which records to export: --since <date> (e.g. --since 2026-01-01) and/or --job <id>.' };
  const filter: ExportFilter = {};
  if (values.since !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}/.test(values.since) ? Date.parse(values.since) : Number.NaN;
    if (Number.isNaN(ms)) return { problem: `--since must be a date like 2026-01-01 or 2026-01-01T08:00:00Z (got "${values.since}").` };
    filter.since = new Date(ms).toISOString();
  }
  if (values.job !== undefined) {
    if (!values.job.trim()) return { problem: '--job needs a job id, e.g. --job 4k2x.' };
    filter.jobId = values.job.trim();
  }
  if (values.limit !== undefined) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) return { problem: `--limit must be a whole number of at least 1 (got "${values.limit}").` };
    filter.limit = limit;
  }
  return filter;
}

/** Stable field order, so lines diff and grep well. */
function toLine(record: AuditRecord): string {
  const { seq, at, action, actor, jobId, runbook, conversationKey, detail } = record;
  return JSON.stringify({ seq, at, action, actor, jobId, runbook, conversationKey, detail });
}

export async function main(argv: string[], output: CliOutput = streams, env: Record<string, string | undefined> = process.env): Promise<number> {
  const filter = filterFrom(argv);
  if ('help' in filter) {
    output.out(USAGE);
    return 0;
  }
  if ('problem' in filter) {
    output.err(`${filter.problem}\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    output.err(error.message);
    return 2;
  }
  // Opening a SQLite file that is not there would quietly create an empty log to export.
  if (config.store.kind === 'sqlite' && !existsSync(config.store.path)) {
    output.err(`There is no Switchboard database at ${config.store.path}; set DATA_DIR or SQLITE_FILE to the bot's database.`);
    return 2;
  }
  // The store's own warnings go to stderr; stdout carries only records.
  const logger = createLogger('warn', { write: (line: string) => void output.err(line.trimEnd()) });
  let store;
  try {
    store = await createStore(config.store, logger);
  } catch (error) {
    output.err(`Could not open the ${config.store.kind} store: ${(error as Error).message}`);
    return 1;
  }
  try {
    const records = await store.readAudit(filter);
    for (const record of records) output.out(toLine(record));
    output.err(`Exported ${records.length} audit record${records.length === 1 ? '' : 's'} from the ${config.store.kind} store.`);
    return 0;
  } catch (error) {
    output.err(`Could not read the audit log: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
