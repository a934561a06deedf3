/**
 * The Hybrid Runbook Worker groups of one account, cached: forms list them (where policy offers
 * a choice of target) and every start checks its target, so without a cache each form and start
 * would cost ARM reads. A group is usable when it exists and has at least one worker; a job sent
 * to an empty group would wait in the queue with nothing to run it.
 */
import { ExecutionError } from '../executor.js';
import type { AutomationClient } from './automation-client.js';

interface Listing<T> {
  value: T;
  at: number;
}

export class WorkerGroups {
  private groups?: Listing<string[]>;
  private readonly workerCounts = new Map<string, Listing<number>>();

  constructor(
    private readonly client: AutomationClient,
    /** How long a listing stays fresh. */
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** Group names as Azure spells them. */
  async list(): Promise<string[]> {
    if (!this.isFresh(this.groups)) this.groups = { value: (await this.client.listWorkerGroups()).map((g) => g.name), at: Date.now() };
    return this.groups.value;
  }

  /** Returns Azure's spelling of the group, or explains why it cannot run jobs. */
  async usable(group: string): Promise<string> {
    let name = find(await this.list(), group);
    if (!name && this.groups && Date.now() - this.groups.at > 30_000) {
      // The group may be newer than the cached list: look once more before refusing.
      this.groups = undefined;
      name = find(await this.list(), group);
    }
    const account = this.client.account.accountName;
    if (!name) {
      const known = await this.list();
      throw new ExecutionError(
        `Hybrid Runbook Worker group "${group}" does not exist in Automation account "${account}".`,
        'unknown_worker_group',
        known.length ? `Known groups: ${known.join(', ')}; or choose the Azure cloud sandbox.` : 'This account has no worker groups; choose the Azure cloud sandbox.',
      );
    }
    let count = this.workerCounts.get(name);
    if (!this.isFresh(count)) {
      count = { value: (await this.client.listWorkers(name)).length, at: Date.now() };
      this.workerCounts.set(name, count);
    }
    if (count.value === 0)
      throw new ExecutionError(
        `Hybrid Runbook Worker group "${name}" in Automation account "${account}" has no workers, so the job would never start.`,
        'empty_worker_group',
        'Register a worker in the group (Hybrid Worker extension on a VM or Arc server) or choose another target.',
      );
    return name;
  }

  private isFresh<T>(listing: Listing<T> | undefined): listing is Listing<T> {
    return listing !== undefined && Date.now() - listing.at < this.ttlMs;
  }
}

function find(names: string[], group: string): string | undefined {
  return names.find((n) => n.toLowerCase() === group.toLowerCase());
}
