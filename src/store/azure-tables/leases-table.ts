import type { TableClient } from '@azure/data-tables';
import { leaseAvailable, newLease } from '../lease-rules.js';
import type { Lease } from '../store.js';
import { encodeKey, getEntityOrUndefined, isWriteConflict, statusOf } from './tables.js';

const PARTITION = 'lease';
/**
 * A conflict means another instance wrote the lease between our read and write; reading again
 * shows who holds it now. Two rounds settle any ordinary race.
 */
const ATTEMPTS = 3;

/**
 * Leases as entities written only with optimistic concurrency: created when absent (409 if
 * someone was faster), otherwise replaced conditional on the ETag read (412 if someone was
 * faster). Expiry is judged by the caller's clock, so instances need roughly synchronised clocks,
 * as App Service instances have.
 */
export class AzureLeases {
  constructor(private readonly table: TableClient) {}

  async acquire(resource: string, owner: string, ttlMs: number, now: Date): Promise<Lease | undefined> {
    const lease = newLease(resource, owner, ttlMs, now);
    const entity = { partitionKey: PARTITION, rowKey: encodeKey(resource), owner, expiresAt: lease.expiresAt };
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await getEntityOrUndefined(this.table, PARTITION, entity.rowKey);
      const held = current && { resource, owner: String(current.owner), expiresAt: String(current.expiresAt) };
      if (!leaseAvailable(held, owner, now)) return undefined;
      try {
        if (current) await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
        else await this.table.createEntity(entity);
        return lease;
      } catch (error) {
        if (!isWriteConflict(error) && statusOf(error) !== 404) throw error;
      }
    }
    return undefined;
  }

  async release(resource: string, owner: string): Promise<void> {
    const rowKey = encodeKey(resource);
    const current = await getEntityOrUndefined(this.table, PARTITION, rowKey);
    if (!current || current.owner !== owner) return;
    try {
      await this.table.deleteEntity(PARTITION, rowKey, { etag: current.etag });
    } catch (error) {
      // Gone or taken over meanwhile: either way it is no longer ours to release.
      if (statusOf(error) !== 404 && statusOf(error) !== 412) throw error;
    }
  }
}
