/**
 * Which executor runs what. A job stores its executor's name so that after a restart the same
 * executor is asked about it again.
 */
import type { RunbookDefinition, RunTarget } from '../domain/runbook.js';
import { ExecutionError, type Executor } from '../execution/executor.js';

export interface ExecutorDirectory {
  /** The executor for this runbook and target; throws ExecutionError when none is configured. */
  executorFor(runbook: RunbookDefinition, target: RunTarget): Executor;
  /** The executor a stored job names, if it is configured here. */
  executorByName(name: string): Executor | undefined;
}

/**
 * A directory over a fixed set of executors and a routing function naming the executor for a
 * runbook and target (the composition root knows which accounts and worker groups exist).
 */
export class RoutedExecutors implements ExecutorDirectory {
  private readonly byName: Map<string, Executor>;

  constructor(
    executors: readonly Executor[],
    private readonly route: (runbook: RunbookDefinition, target: RunTarget) => string | undefined,
  ) {
    this.byName = new Map(executors.map((e) => [e.name, e]));
  }

  executorFor(runbook: RunbookDefinition, target: RunTarget): Executor {
    const name = this.route(runbook, target);
    const executor = name === undefined ? undefined : this.byName.get(name);
    if (executor) return executor;
    throw new ExecutionError(
      `No executor here can run ${runbook.name} on target "${target}".`,
      'no_executor',
      `Configured executors: ${[...this.byName.keys()].join(', ') || 'none'}. Set EXECUTOR and the Azure Automation settings, or change the runbook's target.`,
    );
  }

  executorByName(name: string): Executor | undefined {
    return this.byName.get(name);
  }
}
