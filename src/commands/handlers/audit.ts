/**
 * The audit log in chat, newest first: the last day, or everything about one job. Only users the
 * policy names as auditors may read it; the full log is exported with `npm run audit`.
 */
import { auditCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noticeCard } from '../replies.js';

const WINDOW_MS = 86_400_000;

export async function auditLog(request: Request, jobId: string | undefined): Promise<AdaptiveCard> {
  const { policy, store, clock } = request.services;
  if (!(await policy.canAudit(request.user)))
    return noticeCard('error', 'Only auditors can read the audit log.', 'Ask the Switchboard administrators to add you to the auditors in the policy file.');
  const since = new Date(clock().getTime() - WINDOW_MS).toISOString();
  const records = await store.readAudit(jobId ? { jobId } : { since });
  return auditCard({ records: records.reverse() });
}
