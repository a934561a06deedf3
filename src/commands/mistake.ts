/**
 * A user's mistake in a command, answered with what is wrong, how to fix it and an example.
 * Handlers throw it; the router turns it into a message card, so every handler can stop at the
 * first problem without building its own reply.
 */
export class CommandMistake extends Error {
  constructor(
    /** What is wrong, naming the thing (parameter, runbook, command) concerned. */
    readonly problem: string,
    /** How to fix it. */
    readonly hint?: string,
    /** A command that would work. */
    readonly example?: string,
  ) {
    super(problem);
    this.name = 'CommandMistake';
  }
}
