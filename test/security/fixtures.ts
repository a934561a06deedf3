/**
 * Small builders for the security suites: runbook definitions, places and principals as the
 * policy engine receives them, and a logger whose lines the test can read.
 */
import type { Principal } from '../../src/domain/job.js';
import type { ParameterDefinition, RunbookDefinition, RunbookLanguage } from '../../src/domain/runbook.js';
import type { Place } from '../../src/policy/policy.js';

export function runbook(
  name: string,
  options: { category?: string; tags?: string[]; parameters?: ParameterDefinition[]; language?: RunbookLanguage; file?: string } = {},
): RunbookDefinition {
  return {
    name,
    language: options.language ?? 'python',
    file: options.file ?? `${name}.py`,
    category: options.category ?? 'General',
    tags: options.tags ?? [],
    synopsis: `${name} (test runbook)`,
    description: '',
    examples: [],
    parameters: options.parameters ?? [],
    target: 'local',
    timeoutSeconds: 60,
    contentHash: 'test',
    source: 'local',
  };
}

export const PERSONAL: Place = { kind: 'personal', conversationKey: 'a:personal-1' };
export const GROUP_CHAT: Place = { kind: 'groupChat', conversationKey: '19:chat@thread.v2', name: 'Release crew' };

export function channel(name: string, teamId = '19:team-default@thread.tacv2'): Place {
  const channelId = `19:${name}@thread.tacv2`;
  return { kind: 'channel', conversationKey: channelId, teamId, channelId, name };
}

export function principal(name: string, aadObjectId?: string): Principal {
  return { id: `29:${name}`, name, aadObjectId };
}

export { capturedLogger } from '../support/captured-logger.js';

/** Polls `probe` until it returns a value (bounded), for state that changes without an event to await. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
