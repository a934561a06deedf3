import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { diffCatalog } from '../catalog-diff.js';
import type { CatalogChange, CatalogSnapshotEntry } from '../store.js';
import { toIsoTime } from '../time.js';
import { encodeKey, isWriteConflict, mapLimit, padNumber, queryEntities, statusOf, timeKey } from './tables.js';

/**
 * Catalog snapshot and change log share one partition so that a snapshot row and the change it
 * implies are written in one transaction. Snapshot rows: `snapshot:<name>`; change rows:
 * `change:<time>:<position>:<name>`, which sort by time. Each snapshot write is conditional
 * (create when added, ETag when changed or removed): when two instances record the same new
 * catalog at once, each change is claimed by exactly one of them and logged once.
 */
const PARTITION = 'catalog';
const SNAPSHOT = 'snapshot:';
const CHANGE = 'change:';
/** The character after ':' bounds a prefix range query. */
const AFTER_CHANGES = 'change;';
const AFTER_SNAPSHOT = 'snapshot;';
const POSITION_WIDTH = 5;
const PARALLEL_WRITES = 8;

interface SnapshotRow {
  entry: CatalogSnapshotEntry;
  etag: string;
}

export class AzureCatalog {
  constructor(private readonly table: TableClient) {}

  private async snapshot(): Promise<Map<string, SnapshotRow>> {
    const rows = await queryEntities(
      this.table,
      odata`PartitionKey eq ${PARTITION} and RowKey ge ${SNAPSHOT} and RowKey lt ${AFTER_SNAPSHOT}`,
      (entity): SnapshotRow => ({
        entry: {
          name: String(entity.name),
          contentHash: String(entity.contentHash),
          synopsis: String(entity.synopsis),
          category: String(entity.category),
        },
        etag: entity.etag,
      }),
    );
    return new Map(rows.map((row) => [row.entry.name, row]));
  }

  async record(entries: CatalogSnapshotEntry[], at: string): Promise<CatalogChange[]> {
    const stamp = toIsoTime(at, 'Catalog snapshot time');
    const stored = await this.snapshot();
    const previous = new Map([...stored].map(([name, row]) => [name, row.entry]));
    const current = new Map(entries.map((entry) => [entry.name, entry]));
    const changes = diffCatalog(previous, entries, stamp);
    const claimed = await mapLimit(changes, PARALLEL_WRITES, async (change, position) => {
      const rowKey = `${SNAPSHOT}${encodeKey(change.name)}`;
      const entry = current.get(change.name);
      const etag = stored.get(change.name)?.etag;
      const snapshotWrite: TransactionAction =
        change.change === 'added'
          ? ['create', { partitionKey: PARTITION, rowKey, ...entry }]
          : change.change === 'changed'
            ? ['update', { partitionKey: PARTITION, rowKey, ...entry }, 'Replace', { etag }]
            : // Unconditional: if two instances remove the same runbook, the second gets 404.
              ['delete', { partitionKey: PARTITION, rowKey }];
      const changeRow = {
        partitionKey: PARTITION,
        rowKey: `${CHANGE}${timeKey(stamp)}:${padNumber(position, POSITION_WIDTH)}:${encodeKey(change.name)}`,
        ...change,
      };
      try {
        await this.table.submitTransaction([snapshotWrite, ['upsert', changeRow, 'Replace']]);
        return change;
      } catch (error) {
        // Another instance recorded this change first (or a newer one): it is logged once, by them.
        if (isWriteConflict(error) || statusOf(error) === 404) return undefined;
        throw error;
      }
    });
    return claimed.filter((change): change is CatalogChange => change !== undefined);
  }

  async changes(since: string): Promise<CatalogChange[]> {
    return queryEntities(
      this.table,
      odata`PartitionKey eq ${PARTITION} and RowKey ge ${`${CHANGE}${timeKey(toIsoTime(since, 'since'))}`} and RowKey lt ${AFTER_CHANGES}`,
      (entity): CatalogChange => ({
        name: String(entity.name),
        change: entity.change as CatalogChange['change'],
        at: String(entity.at),
        synopsis: String(entity.synopsis),
        category: String(entity.category),
      }),
    );
  }
}
