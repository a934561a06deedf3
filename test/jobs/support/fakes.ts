import type { Catalog } from '../../../src/catalog/catalog.js';
import type { Principal } from '../../../src/domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../../../src/domain/runbook.js';
import type { ApprovalContext, ApprovalRequirement, Place, Policy, PolicyDecision } from '../../../src/policy/policy.js';

/** A catalog over a fixed list of runbooks. */
export function fixedCatalog(runbooks: RunbookDefinition[]): Catalog {
  const byName = (name: string) => runbooks.find((r) => r.name.toLowerCase() === name.toLowerCase());
  return {
    list: () => runbooks,
    get: byName,
    suggest: (name) => runbooks.filter((r) => r.name.toLowerCase().startsWith(name.slice(0, 3).toLowerCase())).map((r) => r.name),
    categories: () => [],
    byCategory: () => [],
    search: () => [],
    problems: () => [],
    onChange: () => () => undefined,
  };
}

/**
 * A policy a test configures per runbook: allow (default), deny, or approval by a set of
 * approver ids. Like the real engine, it never lets the requester approve.
 */
export class ScriptedPolicy implements Policy {
  decisions = new Map<string, PolicyDecision>();
  approvers = new Set<string>();
  /** Users every decision denies (whatever the runbook). */
  deniedUsers = new Set<string>();
  /** Runbooks whose form may offer a choice of target. */
  targetChoosers = new Set<string>();
  readonly decided: { user: string; runbook: string; values: Record<string, ParameterValue> }[] = [];

  async decide(user: Principal, runbook: RunbookDefinition, _place: Place, values: Record<string, ParameterValue>): Promise<PolicyDecision> {
    this.decided.push({ user: user.id, runbook: runbook.name, values });
    if (this.deniedUsers.has(user.id)) return { effect: 'deny', rule: 'test-deny-user', reason: `${user.name} may not run ${runbook.name}.` };
    return this.decisions.get(runbook.name) ?? { effect: 'allow', rule: 'test-allow' };
  }

  async canSee(): Promise<boolean> {
    return true;
  }

  async visibleRunbooks(_user: Principal, runbooks: readonly RunbookDefinition[]): Promise<RunbookDefinition[]> {
    return [...runbooks];
  }

  async canApprove(user: Principal, _requirement: ApprovalRequirement, request?: ApprovalContext): Promise<boolean> {
    return this.approvers.has(user.id) && request?.requester?.id !== user.id;
  }

  async canChooseTarget(_user: Principal, runbook: RunbookDefinition): Promise<boolean> {
    return this.targetChoosers.has(runbook.name);
  }

  async canAudit(): Promise<boolean> {
    return true;
  }
}
