import type { ConversationInfo } from './conversation.js';
import type { Principal } from './job.js';

/** An Adaptive Card as plain JSON (version ≤ 1.5). */
export type AdaptiveCard = { type: 'AdaptiveCard'; version: string; [key: string]: unknown };

/** What the bot says: text, a card, or both. Built by handlers, delivered by the edge. */
export interface OutgoingMessage {
  text?: string;
  card?: AdaptiveCard;
}

/**
 * Sends and updates messages in a stored conversation. The edge (src/bot) implements it with
 * botbuilder's proactive messaging; src/jobs/outbox.ts wraps it with Teams' rate limits.
 */
export interface Messenger {
  /** Posts a new message; resolves with the activity id so it can be updated later. */
  send(conversation: ConversationInfo, message: OutgoingMessage): Promise<string>;
  /** Replaces an earlier message in place. */
  update(conversation: ConversationInfo, activityId: string, message: OutgoingMessage): Promise<void>;
}

/**
 * The small, adapter-independent context every handler receives: who, where, what was said or
 * submitted, and how to answer. Only src/bot builds it from a botbuilder TurnContext.
 */
export interface Turn {
  user: Principal;
  conversation: ConversationInfo;
  /** Message text with the bot @mention removed and trimmed. */
  text: string;
  /** Posts a message in the conversation; resolves with its activity id. */
  reply(message: OutgoingMessage): Promise<string>;
}

/** A Universal Action (Action.Execute) as received: verb + data the card carried. */
export interface CardAction {
  verb: string;
  /** Untrusted card data. Never used to decide what runs or as whom (see src/jobs/requests.ts). */
  data: Record<string, unknown>;
}
