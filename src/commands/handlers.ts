/**
 * What the edge (src/bot) asks of the handler layer. Everything is expressed in Switchboard's
 * own types, so a second host (e.g. the Microsoft 365 Agents SDK) only has to build a Turn.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import type { AdaptiveCard, CardAction, OutgoingMessage, Turn } from '../domain/message.js';

/** A Turn with the channel's ids that matter to handlers. */
export interface IncomingTurn extends Turn {
  /** Id of the incoming activity: a message the channel delivers twice must not run twice. */
  activityId?: string;
  /** For a card button: the activity id of that card (Teams' replyToId), so it can become the job card. */
  cardActivityId?: string;
}

export interface TurnHandlers {
  /** A typed message: parse the command and answer it through `turn.reply`. */
  message(turn: IncomingTurn): Promise<void>;
  /** A Universal Action: the card that replaces the one clicked. */
  action(turn: IncomingTurn, action: CardAction): Promise<AdaptiveCard>;
  /**
   * The welcome for a place the bot was just added to (or a channel just created where it
   * lives), listing what `by` — who installed or created it — may run there; undefined when the
   * bot should stay quiet.
   */
  welcome(conversation: ConversationInfo, by: Principal, reason: 'installed' | 'channelCreated'): Promise<OutgoingMessage | undefined>;
  /** A short apology after an unexpected error, quoting the correlation id for the logs. */
  apology(correlationId: string): OutgoingMessage;
}
