import { odata, type TableClient } from '@azure/data-tables';
import type { AuditRecord } from '../store.js';
import { toIsoTime } from '../time.js';
import { packText, unpackText } from './long-text.js';
import { getEntityOrUndefined, padNumber, queryEntities, retryOnConflict } from './tables.js';

/**
 * The audit log: one partition, row key = zero-padded sequence number, so a query returns records
 * in append order. A `counter` row in the same partition holds the last number; it is advanced in
 * the same entity group transaction that inserts the record, conditional on its ETag, which keeps
 * numbers unique and gap-free across instances. The store offers no way to change or delete a row.
 */
const PARTITION = 'audit';
/** Sorts after every zero-padded number, so record queries stop before it. */
const COUNTER_ROW = 'counter';
const SEQ_WIDTH = 12;

export class AzureAudit {
  constructor(private readonly table: TableClient) {}

  async append(record: AuditRecord): Promise<void> {
    const { seq: _ignored, ...data } = record;
    const at = toIsoTime(record.at, 'Audit record time');
    await retryOnConflict('append audit record', async () => {
      const counter = await getEntityOrUndefined(this.table, PARTITION, COUNTER_ROW);
      const seq = Number(counter?.lastSeq ?? 0) + 1;
      const newCounter = { partitionKey: PARTITION, rowKey: COUNTER_ROW, lastSeq: seq };
      await this.table.submitTransaction([
        counter ? ['update', newCounter, 'Replace', { etag: counter.etag }] : ['create', newCounter],
        [
          'create',
          {
            partitionKey: PARTITION,
            rowKey: padNumber(seq, SEQ_WIDTH),
            at,
            ...(record.jobId === undefined ? {} : { jobId: record.jobId }),
            ...packText('data', JSON.stringify(data)),
          },
        ],
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
