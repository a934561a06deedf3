import type { PlaceKind } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';

export interface Place {
  kind: PlaceKind;
  conversationKey: string;
  teamId?: string;
  channelId?: string;
  tenantId?: string;
  /** Channel or chat name when Teams tells us; policy rules can match it with a glob (`inc-*`). */
  name?: string;
}

export interface ApprovalRequirement {
  /** How many distinct approvers are needed. */
  count: number;
  /** AAD group ids or names whose members may approve (empty: anyone allowed to run it). */
  groups: string[];
  /** How long the request waits for approval before it expires. */
  expiresInSeconds: number;
}

/** The request an approver acts on, so the policy can refuse self-approval and check peers. */
export interface ApprovalContext {
  requester?: Principal;
  runbook?: RunbookDefinition;
  place?: Place;
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
  /**
   * The runbooks among `runbooks` that canSee would show this user here, in the same order: one
   * question for a whole menu or help list, so the user's identity and groups are resolved once.
   */
  visibleRunbooks(user: Principal, runbooks: readonly RunbookDefinition[], place: Place): Promise<readonly RunbookDefinition[]>;
  /**
   * Whether the user may approve a request needing this requirement. The requester is never an
   * approver. With no approver groups, anyone allowed to run the runbook in that place may
   * approve, which needs `request.runbook` and `request.place` (without them: false).
   */
  canApprove(user: Principal, requirement: ApprovalRequirement, request?: ApprovalContext): Promise<boolean>;
  /**
   * Whether the form may offer this user a choice of target (Azure cloud sandbox or a Hybrid
   * Runbook Worker group) for this runbook here, instead of the runbook's own target.
   */
  canChooseTarget(user: Principal, runbook: RunbookDefinition, place: Place): Promise<boolean>;
  /** Whether the user may read the audit log in chat. */
  canAudit(user: Principal): Promise<boolean>;
}
