import { setTimeout as delay } from 'node:timers/promises';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { TableClient, type TableEntityResult } from '@azure/data-tables';
import { ConflictError } from '../store.js';

/** One Azure table per kind of record; every name is prefixed so several deployments can share an account. */
export const TABLE_NAMES = [
  'Jobs',
  'JobIndex',
  'Output',
  'Friction',
  'Conversations',
  'Catalog',
  'Markers',
  'Forms',
  'Audit',
  'Leases',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export type Tables = Record<TableName, TableClient>;

const LONGEST_SUFFIX = Math.max(...TABLE_NAMES.map((name) => name.length));
/** Azure table names: a letter, then letters and digits, 3 to 63 characters in all. */
const MAX_PREFIX = 63 - LONGEST_SUFFIX;

export function checkTablePrefix(prefix: string): void {
  if (!new RegExp(`^[A-Za-z][A-Za-z0-9]{0,${MAX_PREFIX - 1}}$`).test(prefix))
    throw new Error(
      `AZURE_TABLES_PREFIX must start with a letter and hold only letters and digits, at most ${MAX_PREFIX} characters ` +
        `(got "${prefix}"); for example "switchboard" or "sbProd".`,
    );
}

/**
 * Clients for every table. Plain http is allowed only when the connection string itself names an
 * http endpoint (Azurite); real storage accounts are https.
 */
export function openTables(connectionString: string, prefix: string, policies: PipelinePolicy[] = []): Tables {
  checkTablePrefix(prefix);
  const allowInsecureConnection = /(^|;)\s*(TableEndpoint=http:|DefaultEndpointsProtocol=http\s*(;|$))/i.test(connectionString);
  const additionalPolicies = policies.map((policy) => ({ policy, position: 'perCall' as const }));
  return Object.fromEntries(
    TABLE_NAMES.map((name) => [
      name,
      TableClient.fromConnectionString(connectionString, `${prefix}${name}`, { allowInsecureConnection, additionalPolicies }),
    ]),
  ) as Tables;
}

export function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

/** 409: the entity already exists; 412: its ETag changed since it was read. Both mean "someone else wrote first". */
export function isWriteConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}

/**
 * PartitionKey and RowKey may not contain / \ # ? or control characters. Those (and % itself, so
 * the encoding can be undone) become %XX; ordinary ids keep their natural sort order.
 */
export function encodeKey(value: string): string {
  return value.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const TIME_WIDTH = 13;
const LATEST_MS = 10 ** TIME_WIDTH - 1;

/** Milliseconds as a fixed-width key, so row keys sort by time (oldest first). */
export function timeKey(iso: string): string {
  return padNumber(Date.parse(iso), TIME_WIDTH);
}

/** Table queries return rows in ascending key order; an inverted time makes "newest first" the natural order. */
export function invertedTimeKey(iso: string): string {
  return padNumber(LATEST_MS - Date.parse(iso), TIME_WIDTH);
}

export async function getEntityOrUndefined(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
  try {
    return await table.getEntity(partitionKey, rowKey);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/**
 * Reads up to `limit` entities matching an OData filter, in key order. Rows are fetched page by
 * page so a limited query never reads the whole partition.
 */
export async function queryEntities<T>(
  table: TableClient,
  filter: string,
  convert: (entity: TableEntityResult<Record<string, unknown>>) => T,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const results: T[] = [];
  if (limit <= 0) return results;
  const pageSize = Math.min(1000, Math.max(1, limit));
  for await (const page of table.listEntities({ queryOptions: { filter } }).byPage({ maxPageSize: pageSize })) {
    for (const entity of page) {
      results.push(convert(entity));
      if (results.length >= limit) return results;
    }
  }
  return results;
}

const CONFLICT_ATTEMPTS = 20;
const CONFLICT_BACKOFF_MS = 10;

/**
 * Runs a read-then-conditional-write until it goes through. Contention is short-lived (another
 * instance appending to the same counter), so a few jittered retries settle it.
 */
export async function retryOnConflict<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      if (tries >= CONFLICT_ATTEMPTS)
        throw new ConflictError(`Could not ${what}: ${CONFLICT_ATTEMPTS} attempts in a row lost to concurrent writers.`);
      await delay(Math.random() * CONFLICT_BACKOFF_MS * tries);
    }
  }
}

/** Maps with at most `parallel` requests in flight, keeping the input order. */
export async function mapLimit<T, R>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}
