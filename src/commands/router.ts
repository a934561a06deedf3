/**
 * The handler layer's front door (TurnHandlers): typed messages, card buttons, welcome cards and
 * apologies. A CommandMistake from any handler becomes its message card here, so handlers can
 * stop at the first problem.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import type { AdaptiveCard, CardAction, OutgoingMessage } from '../domain/message.js';
import { Verb } from '../cards/index.js';
import { answerAction } from './action-router.js';
import { requestOf, type CommandServices } from './context.js';
import type { IncomingTurn, TurnHandlers } from './handlers.js';
import { welcomeMessage } from './handlers/welcome.js';
import { CommandMistake } from './mistake.js';
import { mistakeCard, noticeCard } from './replies.js';
import { answerText } from './text-router.js';

export class CommandRouter implements TurnHandlers {
  constructor(private readonly services: CommandServices) {}

  async message(turn: IncomingTurn): Promise<void> {
    const request = requestOf(this.services, turn.user, turn.conversation);
    const answer = await answerText(request, turn).catch(asMistakeMessage);
    if (answer) await turn.reply(answer);
  }

  async action(turn: IncomingTurn, action: CardAction): Promise<AdaptiveCard> {
    const request = requestOf(this.services, turn.user, turn.conversation);
    // A card answered with a mistake replaces the clicked card, so it offers the way back.
    return answerAction(request, action, turn).catch((error: unknown) => {
      if (error instanceof CommandMistake) return mistakeCard(error, [{ title: '☰ Menu', verb: Verb.menu, data: {} }]);
      throw error;
    });
  }

  welcome(conversation: ConversationInfo, by: Principal, reason: 'installed' | 'channelCreated'): Promise<OutgoingMessage | undefined> {
    return welcomeMessage(requestOf(this.services, by, conversation), reason);
  }

  apology(correlationId: string): OutgoingMessage {
    return {
      card: noticeCard(
        'error',
        'Sorry — something went wrong on my side.',
        `Nothing you did caused this. If it happens again, give the Switchboard team this reference: ${correlationId}.`,
      ),
    };
  }
}

function asMistakeMessage(error: unknown): OutgoingMessage {
  if (error instanceof CommandMistake) return { card: mistakeCard(error) };
  throw error;
}
