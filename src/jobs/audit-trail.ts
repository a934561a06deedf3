/**
 * Writes the append-only audit log. Records carry who, what and the rule or reason, never
 * parameter values of secret parameters (jobs are masked before they get here).
 * A failing audit write is logged with the record instead of breaking the run it describes.
 */
import type { Job, Principal } from '../domain/job.js';
import type { Logger } from '../logging/logger.js';
import type { AuditRecord, Store } from '../store/store.js';
import type { Clock } from './clock.js';

export interface AuditFacts {
  actor?: Principal;
  job?: Job;
  runbook?: string;
  conversationKey?: string;
  detail?: Record<string, unknown>;
}

export class AuditTrail {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async record(action: string, facts: AuditFacts): Promise<void> {
    const record: AuditRecord = {
      at: new Date(this.clock.now()).toISOString(),
      action,
      actor: facts.actor,
      jobId: facts.job?.id,
      runbook: facts.runbook ?? facts.job?.runbook,
      conversationKey: facts.conversationKey ?? facts.job?.conversationKey,
      detail: facts.detail,
    };
    try {
      await this.store.appendAudit(record);
    } catch (error) {
      this.logger.error({ err: error, audit: record }, 'audit record could not be written');
    }
  }
}
