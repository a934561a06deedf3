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

/** Person `index` of a group (`group` keeps the people of different runs apart, e.g. echo and switchboard). */
export function benchPerson(index: number, group = 'chat'): BenchPerson {
  const hex = index.toString(16).padStart(12, '0');
  return {
    user: { id: `29:bench-${group}-user-${index}`, name: `Bench User ${index}`, aadObjectId: `0d5c2a11-0000-4000-8000-${hex}` },
    chat: { kind: 'personal', conversationId: `${conversationPrefix(group)}${index}` },
  };
}

/** The start of every conversation id of a group's people. */
export function conversationPrefix(group: string): string {
  return `a:1bench-${group}-`;
}

/** A message from `person` in their chat, as Teams posts it; the bot answers through the Bot Connector at serviceUrl. */
export function benchMessage(serviceUrl: string, person: BenchPerson, text: string) {
  return message(serviceUrl, person.chat, text, person.user);
}

/** A Universal Action invoke (Action.Execute) from `person` on the card posted as `replyToId`. */
export function benchInvoke(serviceUrl: string, person: BenchPerson, verb: string, data: Record<string, unknown>, replyToId: string) {
  return cardAction(serviceUrl, person.chat, verb, data, replyToId, person.user);
}
