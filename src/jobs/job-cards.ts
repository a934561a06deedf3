/**
 * What a job card shows, and the rendering functions the job layer is given (src/cards
 * implements them with these shapes; the job layer never imports card templates). One card per
 * job: while the run waits for approval it is the approval card, afterwards the same message
 * becomes the job card.
 */
import type { ApprovalRecord, Job, OutputChunk } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { ApprovalRequirement } from '../policy/policy.js';

export interface JobCardInput {
  job: Job;
  /** Undefined when the runbook left the catalog after the run was requested. */
  runbook?: RunbookDefinition;
  /** Last output while running; the whole stored output once the job is final. */
  outputTail: OutputChunk[];
  now: Date;
  /** Show the Cancel button (the server checks permission again on click). */
  canCancel: boolean;
}

export interface ApprovalCardInput {
  job: Job;
  runbook: RunbookDefinition;
  requirement: ApprovalRequirement;
  /** Teams ids of approvers whose clients refresh the card by themselves (none known here). */
  approverIds: string[];
  /** Show Approve/Reject: only in the card refreshed for an approver. */
  viewerIsApprover: boolean;
  decisions: ApprovalRecord[];
}

export interface JobCardRenderers {
  jobCard(input: JobCardInput): AdaptiveCard;
  approvalCard(input: ApprovalCardInput): AdaptiveCard;
}

export interface CardViewer {
  canCancel: boolean;
  canDecide: boolean;
}

/** The card everybody in the conversation sees: no approval buttons, Cancel while it runs. */
export function sharedViewer(job: Job): CardViewer {
  return { canCancel: job.status === 'queued' || job.status === 'running' || job.status === 'suspended', canDecide: false };
}

export function renderJobCard(
  render: JobCardRenderers,
  input: { job: Job; runbook?: RunbookDefinition; outputTail: OutputChunk[]; now: Date },
  viewer: CardViewer = sharedViewer(input.job),
): AdaptiveCard {
  const { job, runbook } = input;
  if (job.status === 'pending_approval' && job.approval && runbook) {
    const { count, groups, expiresAt } = job.approval;
    return render.approvalCard({
      job,
      runbook,
      requirement: { count, groups, expiresInSeconds: Math.round((Date.parse(expiresAt) - Date.parse(job.createdAt)) / 1000) },
      approverIds: [],
      viewerIsApprover: viewer.canDecide,
      decisions: job.approvals ?? [],
    });
  }
  return render.jobCard({ ...input, canCancel: viewer.canCancel });
}
