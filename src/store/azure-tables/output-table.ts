import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { OutputChunk, OutputStream } from '../../domain/job.js';
import { limitChunkSize, type NewOutputChunk } from '../text-split.js';
import { packText, unpackText } from './long-text.js';
import { encodeKey, getEntityOrUndefined, padNumber, queryEntities, retryOnConflict } from './tables.js';

/**
 * Output of a job: partition = job id, row key = zero-padded seq, plus one `head` row holding
 * the last seq. Chunks and the head are written in one entity group transaction, conditional on
 * the head's ETag, so sequence numbers have no gaps or duplicates even if two writers race.
 */
const HEAD_ROW = 'head';
const SEQ_WIDTH = 10;
/** A transaction holds at most 100 entities (one is the head) and 4 MiB. */
const CHUNKS_PER_TRANSACTION = 99;
const BYTES_PER_TRANSACTION = 3 * 1024 * 1024;

function transactionGroups(chunks: NewOutputChunk[]): NewOutputChunk[][] {
  const groups: NewOutputChunk[][] = [];
  let group: NewOutputChunk[] = [];
  let bytes = 0;
  for (const chunk of chunks) {
    const size = 2 * chunk.text.length + 512;
    if (group.length && (group.length >= CHUNKS_PER_TRANSACTION || bytes + size > BYTES_PER_TRANSACTION)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(chunk);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
}

export class AzureOutput {
  constructor(private readonly table: TableClient) {}

  async append(jobId: string, chunks: NewOutputChunk[]): Promise<void> {
    const partitionKey = encodeKey(jobId);
    for (const group of transactionGroups(limitChunkSize(chunks))) {
      await retryOnConflict('append output', async () => {
        const head = await getEntityOrUndefined(this.table, partitionKey, HEAD_ROW);
        const last = Number(head?.lastSeq ?? 0);
        const newHead = { partitionKey, rowKey: HEAD_ROW, lastSeq: last + group.length };
        const actions: TransactionAction[] = [
          head ? ['update', newHead, 'Replace', { etag: head.etag }] : ['create', newHead],
          ...group.map((chunk, index): TransactionAction => [
            'create',
            {
              partitionKey,
              rowKey: padNumber(last + index + 1, SEQ_WIDTH),
              stream: chunk.stream,
              at: chunk.at,
              ...packText('text', chunk.text),
            },
          ]),
        ];
        await this.table.submitTransaction(actions);
      });
    }
  }

  async read(jobId: string, afterSeq = 0, limit?: number): Promise<OutputChunk[]> {
    const filter = odata`PartitionKey eq ${encodeKey(jobId)} and RowKey gt ${padNumber(afterSeq, SEQ_WIDTH)} and RowKey lt ${HEAD_ROW}`;
    return queryEntities(
      this.table,
      filter,
      (entity) => ({
        jobId,
        seq: Number(entity.rowKey),
        stream: entity.stream as OutputStream,
        text: unpackText(entity, 'text'),
        at: String(entity.at),
      }),
      limit,
    );
  }
}
