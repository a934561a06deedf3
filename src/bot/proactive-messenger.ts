/**
 * Messenger over Bot Framework proactive messaging: every send or update continues the stored
 * conversation through the adapter (which authenticates to the channel as the bot) and calls
 * the connector there. Failures leave as DeliveryError (status, transient, Retry-After) so the
 * outbox can pace and retry without knowing botbuilder.
 *
 * Note: botbuilder's connector client already retries 429 and 5xx up to three times, honouring
 * Retry-After, before an error reaches the outbox.
 */
import type { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { ConversationInfo } from '../domain/conversation.js';
import type { Messenger, OutgoingMessage } from '../domain/message.js';
import { toDeliveryError } from '../jobs/delivery-error.js';
import { activityOf } from './outgoing.js';

export class ProactiveMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    /** The bot's app id; empty when authentication is off (local development and tests). */
    private readonly appId: string,
  ) {}

  async send(conversation: ConversationInfo, message: OutgoingMessage): Promise<string> {
    let activityId = '';
    await this.continue(conversation, async (context) => {
      activityId = (await context.sendActivity(activityOf(message)))?.id ?? '';
    });
    return activityId;
  }

  async update(conversation: ConversationInfo, activityId: string, message: OutgoingMessage): Promise<void> {
    await this.continue(conversation, async (context) => {
      await context.updateActivity({ ...activityOf(message), id: activityId });
    });
  }

  private async continue(
    conversation: ConversationInfo,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    // The adapter hands errors inside the turn to its onTurnError (which answers users, not
    // callers), so the connector's failure is caught inside the turn and thrown from here.
    let failure: { error: unknown } | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, conversation.reference as Partial<ConversationReference>, async (context) => {
        try {
          await logic(context);
        } catch (error) {
          failure = { error };
        }
      });
    } catch (error) {
      failure = { error };
    }
    if (failure) throw toDeliveryError(failure.error, Date.now());
  }
}
