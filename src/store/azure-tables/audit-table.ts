import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { AuditRecord } from '../store.js';
import { toIsoTime } from '../time.js';
import { packText, unpackText } from './long-text.js';
import { getEntityOrUndefined, padNumber, queryEntities, retryOnConflict } from './tables.js';

/**
 * The audit log: one partition, row key = zero-padded sequence number, so a query returns records
 * in append order. A `counter` row in the same partition holds the last number; it is advanced in
 * the same entity group transaction that inserts the records, conditional on its ETag, which keeps
 * numbers unique and gap-free across instances. The store offers no way to change or delete a row.
 *
 * The counter is one row every append of every instance writes, so appends made while a write is
 * in flight wait and go together in the next transaction: concurrent requests of one instance then
 * cost one counter update instead of racing each other for it (one at a time, fifty runs started at
 * once lost audit records after 20 conflicts in a row).
 */
const PARTITION = 'audit';
/** Sorts after every zero-padded number, so record queries stop before it. */
const COUNTER_ROW = 'counter';
const SEQ_WIDTH = 12;
/** A transaction holds at most 100 entities (one is the counter) and 4 MiB. */
const RECORDS_PER_TRANSACTION = 99;
const BYTES_PER_TRANSACTION = 3 * 1024 * 1024;

type AuditRow = Record<string, string | number>;

interface PendingRecord {
  row: AuditRow;
  bytes: number;
  written: () => void;
  failed: (error: unknown) => void;
}

export class AzureAudit {
  private readonly pending: PendingRecord[] = [];
  private writing = false;

  constructor(private readonly table: TableClient) {}

  async append(record: AuditRecord): Promise<void> {
    const { seq: _ignored, ...data } = record;
    const row: AuditRow = {
      at: toIsoTime(record.at, 'Audit record time'),
      ...(record.jobId === undefined ? {} : { jobId: record.jobId }),
      ...packText('data', JSON.stringify(data)),
    };
    // Generous: UTF-16 length doubled plus the entity's framing in the batch request.
    const bytes = 2 * JSON.stringify(row).length + 512;
    return new Promise((written, failed) => {
      this.pending.push({ row, bytes, written, failed });
      if (!this.writing) void this.writePending();
    });
  }

  /** Writes waiting records, a transaction at a time, until none are left. */
  private async writePending(): Promise<void> {
    this.writing = true;
    while (this.pending.length) {
      const batch = this.nextBatch();
      try {
        await this.write(batch.map((p) => p.row));
        batch.forEach((p) => p.written());
      } catch (error) {
        batch.forEach((p) => p.failed(error));
      }
    }
    this.writing = false;
  }

  private nextBatch(): PendingRecord[] {
    let bytes = 0;
    let count = 0;
    while (count < this.pending.length && count < RECORDS_PER_TRANSACTION && (count === 0 || bytes + this.pending[count].bytes <= BYTES_PER_TRANSACTION))
      bytes += this.pending[count++].bytes;
    return this.pending.splice(0, count);
  }

  private async write(rows: AuditRow[]): Promise<void> {
    await retryOnConflict('append audit records', async () => {
      const counter = await getEntityOrUndefined(this.table, PARTITION, COUNTER_ROW);
      const last = Number(counter?.lastSeq ?? 0);
      const newCounter = { partitionKey: PARTITION, rowKey: COUNTER_ROW, lastSeq: last + rows.length };
      await this.table.submitTransaction([
        counter ? ['update', newCounter, 'Replace', { etag: counter.etag }] : ['create', newCounter],
        ...rows.map((row, index): TransactionAction => ['create', { partitionKey: PARTITION, rowKey: padNumber(last + index + 1, SEQ_WIDTH), ...row }]),
      ]);
    });
  }

  async read(filter: { since?: string; limit?: number; jobId?: string }): Promise<AuditRecord[]> {
    let query = odata`PartitionKey eq ${PARTITION} and RowKey lt ${COUNTER_ROW}`;
    if (filter.since !== undefined) query += ` and ${odata`at ge ${toIsoTime(filter.since, 'since')}`}`;
    if (filter.jobId !== undefined) query += ` and ${odata`jobId eq ${filter.jobId}`}`;
    return queryEntities(
      this.table,
      query,
      (entity) => ({ seq: Number(entity.rowKey), ...(JSON.parse(unpackText(entity, 'data')) as AuditRecord) }),
      filter.limit,
    );
  }
}
