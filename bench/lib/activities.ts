/**
 * Teams-shaped activities for the load runs, built with the shared test fixtures
 * (test/support/activities.ts) so the bench sends exactly what the integration tests send.
 */
import { cardAction, message, type TeamsPlace, type TeamsUser } from '../../test/support/activities.js';

/** One of many distinct people, each in their own 1:1 chat with the bot (fixed ids: forms are bound to both). */
export interface BenchPerson {
  user: TeamsUser;
  chat: TeamsPlace;
}

export function benchPerson(index: number): BenchPerson {
  const hex = index.toString(16).padStart(12, '0');
  return {
    user: { id: `29:bench-user-${index}`, name: `Bench User ${index}`, aadObjectId: `0d5c2a11-0000-4000-8000-${hex}` },
    chat: { kind: 'personal', conversationId: `a:1bench-chat-${index}` },
  };
}

/**
 * A message whose replies come back in the HTTP response: with `deliveryMode: expectReplies`
 * botbuilder's CloudAdapter buffers what the turn sends and answers `{ activities: [...] }`
 * instead of calling the Bot Connector (CloudAdapterBase.processTurnResults), so the load driver
 * sees the full cost of a reply in the request's latency.
 */
export function expectRepliesMessage(serviceUrl: string, person: BenchPerson, text: string) {
  return { ...message(serviceUrl, person.chat, text, person.user), deliveryMode: 'expectReplies' };
}

/** A Universal Action invoke (Action.Execute) from `person` on the card posted as `replyToId`. */
export function benchInvoke(serviceUrl: string, person: BenchPerson, verb: string, data: Record<string, unknown>, replyToId: string) {
  return cardAction(serviceUrl, person.chat, verb, data, replyToId, person.user);
}
