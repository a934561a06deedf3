/**
 * The four-eyes approval card. One card is posted to the conversation; everybody sees the same
 * request (runbook, target, exact parameters with secrets masked), but only approvers get
 * Approve / Reject: the shared card has no buttons and a Universal Actions `refresh` limited to
 * the approvers' user ids, so their Teams clients fetch the approver variant from the bot.
 */
import type { AdaptiveCard } from '../domain/message.js';
import type { ApprovalCardInput } from '../jobs/job-cards.js';
import { clip, parameterFacts, plural, principalName, statusView, targetLabel, utcTime } from './format.js';
import { decisionText } from './job-cards.js';
import { MAX_REFRESH_USER_IDS } from './limits.js';
import { renderCard } from './templates.js';

export type { ApprovalCardInput };

/**
 * `viewerIsApprover` true renders the approver variant (Approve / Reject), answered to an
 * approver's refresh; false renders the shared variant posted to the conversation.
 */
export function approvalCard(input: ApprovalCardInput): AdaptiveCard {
  const { job, runbook, requirement, decisions } = input;
  const pending = job.status === 'pending_approval';
  const approved = decisions.filter((d) => d.decision === 'approved').length;
  const status = statusView(job.status);
  const expiresAt = new Date(new Date(job.createdAt).getTime() + requirement.expiresInSeconds * 1000).toISOString();
  const groups = requirement.groups.length > 0 ? requirement.groups.join(', ') : 'anyone allowed to run it';
  const requester = principalName(job.requester);
  // The requester never approves their own run, so their client never needs the approver view.
  const approvers = input.approverIds.filter((id) => id !== job.requester.id).slice(0, MAX_REFRESH_USER_IDS);
  const card = renderCard('approval', {
    jobId: job.id,
    status,
    headline: pending
      ? `⏳ Approval needed: ${approved} of ${requirement.count} so far`
      : `${status.emoji} Approval closed: the job is ${status.label.toLowerCase()}`,
    title: `${job.runbook} · job ${job.id}`,
    request: clip(`${requester} asks to run ${runbook.name} on ${targetLabel(job.target)}. ${runbook.synopsis}`, 500),
    facts: [
      { title: 'Requested by', value: `${requester} · ${utcTime(job.createdAt)}` },
      { title: 'Runs on', value: `${targetLabel(job.target)} via ${job.executor}` },
      { title: 'Needs', value: `${plural(requirement.count, 'approval')} from ${groups}; the requester cannot approve` },
      { title: 'Expires', value: utcTime(expiresAt) },
    ],
    parameters: parameterFacts(job.parameters),
    decisions: decisions.map((d) => ({ text: decisionText(d) })),
    note: !pending
      ? 'This request is closed; the job card shows how the run went.'
      : input.viewerIsApprover
        ? 'You may approve this run. Your decision is recorded with your name on the job card and in the audit log.'
        : 'Approvers see Approve and Reject on this card. An approver without the buttons can choose "Refresh card" from the card\'s … menu.',
    showDecisionButtons: pending && input.viewerIsApprover,
    refreshUserIds: pending ? approvers : null,
  });
  // Without known approver ids, leave `userIds` out: Teams then refreshes the card for everyone
  // in conversations of fewer than 60 people, so approvers get their buttons without a click
  // (an empty list would refresh it for nobody).
  const refresh = card.refresh as { userIds?: string[] } | null | undefined;
  if (refresh && approvers.length === 0) delete refresh.userIds;
  return card;
}
