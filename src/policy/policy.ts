import type { PlaceKind } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';

export interface Place {
  kind: PlaceKind;
  conversationKey: string;
  teamId?: string;
  channelId?: string;
  tenantId?: string;
}

export interface ApprovalRequirement {
  /** How many distinct approvers are needed. */
  count: number;
  /** AAD group ids or names whose members may approve (empty: anyone allowed to run it). */
  groups: string[];
  /** How long the request waits for approval before it expires. */
  expiresInSeconds: number;
}

export type PolicyDecision =
  | { effect: 'allow'; rule: string }
  | { effect: 'deny'; rule: string; reason: string }
  | { effect: 'approval'; rule: string; approval: ApprovalRequirement };

/**
 * Who may run what, where, with which values. Implemented by src/policy/policy-engine.ts from
 * policy.yaml; in development mode without a policy file everything is allowed.
 */
export interface Policy {
  /** Decision for actually running (values known). */
  decide(
    user: Principal,
    runbook: RunbookDefinition,
    place: Place,
    values: Record<string, ParameterValue>,
  ): Promise<PolicyDecision>;
  /** Whether the runbook should be shown at all to this user here (menus, help, search, welcome). */
  canSee(user: Principal, runbook: RunbookDefinition, place: Place): Promise<boolean>;
  /** Whether the user may approve a request for this runbook needing these groups. */
  canApprove(user: Principal, requirement: ApprovalRequirement): Promise<boolean>;
  /** Whether the user may read the audit log in chat. */
  canAudit(user: Principal): Promise<boolean>;
}
