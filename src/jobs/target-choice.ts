/**
 * Choosing where a run goes: the runbook's own target (from its metadata), or, where the policy
 * lets the user choose, another target its executor offers (for Azure Automation: the cloud
 * sandbox or a Hybrid Runbook Worker group). A form lists the choices; a submit's choice is
 * checked again here, because card data is never trusted for where something runs.
 */
import type { Principal } from '../domain/job.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { Executor } from '../execution/executor.js';
import type { Logger } from '../logging/logger.js';
import type { Place, Policy } from '../policy/policy.js';
import { describeError } from './job-layer.js';

interface ChoiceDeps {
  policy: Policy;
  logger: Logger;
}

export type TargetCheck =
  | { ok: true; target: string }
  | { ok: false; reason: 'target_not_allowed' | 'unknown_target' | 'targets_unavailable'; message: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The targets a form may offer, the runbook's own first; empty when there is no choice. A failed
 * listing only costs the choice (logged): the form still opens with the runbook's own target.
 */
export async function targetChoices(deps: ChoiceDeps, executor: Executor, user: Principal, runbook: RunbookDefinition, place: Place): Promise<string[]> {
  if (!executor.targets || !(await deps.policy.canChooseTarget(user, runbook, place))) return [];
  try {
    const others = (await executor.targets()).filter((target) => !same(target, runbook.target));
    return others.length ? [runbook.target, ...others] : [];
  } catch (error) {
    deps.logger.warn({ err: describeError(error), runbook: runbook.name, executor: executor.name }, 'listing targets failed; the form offers none');
    return [];
  }
}

/** Where a submitted run goes: the runbook's own target unless another was asked for and is allowed. */
export async function checkTarget(
  deps: ChoiceDeps,
  executor: Executor,
  user: Principal,
  runbook: RunbookDefinition,
  place: Place,
  requested: string | undefined,
): Promise<TargetCheck> {
  if (requested === undefined || same(requested, runbook.target)) return { ok: true, target: runbook.target };
  const shown = requested.slice(0, 100);
  if (!(await deps.policy.canChooseTarget(user, runbook, place)))
    return {
      ok: false,
      reason: 'target_not_allowed',
      message: `You may not choose where ${runbook.name} runs here; it runs on its own target "${runbook.target}". Open the form again with \`run ${runbook.name}\` and leave "Run on" as it is.`,
    };
  let offered: string[];
  try {
    offered = executor.targets ? await executor.targets() : [];
  } catch (error) {
    deps.logger.warn({ err: describeError(error), runbook: runbook.name, executor: executor.name }, 'listing targets failed; refusing the chosen target');
    return { ok: false, reason: 'targets_unavailable', message: `I could not check whether "${shown}" is a target of ${executor.name} just now. Try again in a minute, or leave "Run on" as it is.` };
  }
  const target = offered.find((t) => same(t, requested));
  if (target) return { ok: true, target };
  return {
    ok: false,
    reason: 'unknown_target',
    message: `"${shown}" is not a target of ${executor.name}. Choose one of: ${offered.join(', ') || runbook.target} (e.g. open the form again with \`run ${runbook.name}\`).`,
  };
}
