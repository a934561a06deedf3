/**
 * The welcome card for a place the bot was added to. Incident places (see place-tags.ts) list
 * the runbooks tagged for them; other places list the runbooks used most (in this conversation,
 * else anywhere), filled up from the catalog. A channel created later is welcomed only when it is
 * an incident channel: ordinary channels should not get a bot post they did not ask for.
 */
import { welcomeCard } from '../../cards/index.js';
import type { OutgoingMessage } from '../../domain/message.js';
import type { RunbookDefinition } from '../../domain/runbook.js';
import { visible, type Request } from '../context.js';
import { placeTags } from '../place-tags.js';

/** Recent jobs looked at to find the most used runbooks. */
const USAGE_SAMPLE = 200;

export async function welcomeMessage(request: Request, reason: 'installed' | 'channelCreated'): Promise<OutgoingMessage | undefined> {
  const { catalog } = request.services;
  const tags = placeTags(request.conversation);
  if (reason === 'channelCreated' && tags.length === 0) return undefined;
  const all = await visible(request, catalog.list());
  const runbooks = tags.length ? all.filter((r) => r.tags.some((t) => tags.includes(t.toLowerCase()))) : await mostUsedFirst(request, all);
  const { conversation } = request;
  return { card: welcomeCard({ placeName: conversation.name ?? 'everyone', kind: conversation.kind, runbooks, total: all.length }) };
}

async function mostUsedFirst(request: Request, runbooks: readonly RunbookDefinition[]): Promise<RunbookDefinition[]> {
  const { store } = request.services;
  const here = await store.listJobs({ conversationKey: request.conversation.key, limit: USAGE_SAMPLE });
  const jobs = here.length ? here : await store.listJobs({ limit: USAGE_SAMPLE });
  const uses = new Map<string, number>();
  for (const job of jobs) uses.set(job.runbook.toLowerCase(), (uses.get(job.runbook.toLowerCase()) ?? 0) + 1);
  const count = (r: RunbookDefinition) => uses.get(r.name.toLowerCase()) ?? 0;
  // A stable sort keeps catalog (name) order among runbooks used equally often.
  return [...runbooks].sort((a, b) => count(b) - count(a));
}
