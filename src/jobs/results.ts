/**
 * What the job service answers. Adapter-independent: the bot turns these into invoke responses,
 * replies and cards. Every refusal carries a sentence a user can act on.
 */
import type { Job, OutputChunk } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import type { ApprovalRequirement } from '../policy/policy.js';
import type { FormGrant } from '../store/store.js';
import type { ValidationIssue } from '../validation/validate.js';

export type IssueFormResult =
  | {
      kind: 'form';
      form: FormGrant;
      runbook: RunbookDefinition;
      /** Values to pre-fill (defaults are the form's business); never secrets. */
      prefill: Record<string, ParameterValue>;
      /** Where the form may send the run, the runbook's own target first; absent: no choice. */
      targetChoices?: string[];
    }
  | { kind: 'unknown_runbook'; name: string; suggestions: string[] }
  | { kind: 'not_allowed'; runbook: string; reason: string };

/**
 * `card` is the job's card as it is now. For a form submit the bot answers the invoke with it
 * (the form becomes the job card); for a text request the service posts it itself.
 */
export type SubmitResult =
  | { kind: 'started'; job: Job; card: AdaptiveCard }
  | { kind: 'pending_approval'; job: Job; card: AdaptiveCard; approval: ApprovalRequirement }
  | { kind: 'duplicate'; job: Job; card: AdaptiveCard }
  | { kind: 'invalid'; runbook: RunbookDefinition; issues: ValidationIssue[]; formId?: string; message: string }
  | { kind: 'denied'; runbook: string; reason: string; rule: string }
  | { kind: 'unknown_runbook'; name: string; suggestions: string[] }
  | { kind: 'expired_form'; runbook: string; message: string }
  | { kind: 'forbidden_form'; reason: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number; message: string }
  | { kind: 'unavailable'; reason: string; hint?: string };

export type CancelResult =
  | { kind: 'cancelling'; job: Job; card: AdaptiveCard }
  | { kind: 'cancelled'; job: Job; card: AdaptiveCard }
  | { kind: 'already_final'; job: Job; card: AdaptiveCard }
  | { kind: 'forbidden'; job: Job; reason: string }
  | { kind: 'not_found'; jobId: string };

export type DecisionResult =
  /** remaining: approvals still needed (0: the run was started). */
  | { kind: 'approved'; job: Job; card: AdaptiveCard; remaining: number }
  | { kind: 'rejected'; job: Job; card: AdaptiveCard }
  | { kind: 'expired'; job: Job; card: AdaptiveCard }
  | { kind: 'already_decided'; job: Job; reason: string }
  | { kind: 'not_pending'; job: Job; reason: string }
  | { kind: 'forbidden'; job: Job; reason: string }
  | { kind: 'busy'; job: Job; reason: string }
  | { kind: 'not_found'; jobId: string };

export type OutputPage =
  | { kind: 'page'; job: Job; chunks: OutputChunk[]; page: number; pageSize: number; hasMore: boolean }
  | { kind: 'not_found'; jobId: string };

export interface ResumeReport {
  reattached: string[];
  lost: string[];
  expired: string[];
  finalCardsDelivered: string[];
  /** Jobs another instance is tracking. */
  ownedElsewhere: string[];
}
