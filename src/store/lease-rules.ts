import type { Lease } from './store.js';

/** A lease can be taken when nobody holds it, it ran out, or the caller already holds it (renewal). */
export function leaseAvailable(current: Lease | undefined, owner: string, now: Date): boolean {
  return !current || current.owner === owner || Date.parse(current.expiresAt) <= now.getTime();
}

export function newLease(resource: string, owner: string, ttlMs: number, now: Date): Lease {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`Lease time-to-live must be a positive number of milliseconds (got ${ttlMs}).`);
  return { resource, owner, expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
}
