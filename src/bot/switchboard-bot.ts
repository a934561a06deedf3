/**
 * The Teams activity handler: turns activities into Switchboard Turns and hands them to the
 * handler layer. It knows Bot Framework; the handlers do not.
 *   message                     → handlers.message (bot @mention removed)
 *   invoke adaptiveCard/action  → handlers.action → invoke response carrying the new card
 *   conversationUpdate (bot added) → remember the conversation, post the welcome card
 *   installationUpdate add      → remember the conversation (Teams also sends the
 *                                 conversationUpdate above, which welcomes — once)
 *   channelCreated              → remember the new channel; welcome it when it is an incident channel
 *   channelRenamed              → remember the channel's new name
 * Every activity refreshes the stored conversation reference used for proactive messages.
 * Activities from tenants that are not served are dropped before any of this.
 */
import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ChannelInfo,
  type TeamInfo,
  type TurnContext,
} from 'botbuilder';
import type { ConversationInfo } from '../domain/conversation.js';
import type { Messenger } from '../domain/message.js';
import type { IncomingTurn, TurnHandlers } from '../commands/handlers.js';
import type { Logger } from '../logging/logger.js';
import { commandTextOf, principalOf, tenantOf } from './activity-mapping.js';
import type { ConversationRegistry } from './conversation-registry.js';
import { activityOf } from './outgoing.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface SwitchboardBotOptions {
  handlers: TurnHandlers;
  conversations: ConversationRegistry;
  /**
   * Posts into conversations other than the current one (a newly created channel). Answers to the
   * activity itself are replies to it, sent in its turn.
   */
  messenger: Messenger;
  /** Whether activities from this Entra tenant are served at all (ALLOWED_TENANTS). */
  servesTenant: (tenantId: string | undefined) => boolean;
  logger: Logger;
}

export class SwitchboardBot extends TeamsActivityHandler {
  constructor(private readonly options: SwitchboardBotOptions) {
    super();
    this.onMessage(async (context, next) => {
      const conversation = await options.conversations.remember(context.activity);
      await options.handlers.message(this.turnOf(context, conversation));
      await next();
    });
    // Plain MembersAdded rather than TeamsMembersAdded: the Teams variant fetches every added
    // member from the connector, a network call we do not need to recognise ourselves.
    this.onMembersAdded(async (context, next) => {
      const conversation = await options.conversations.remember(context.activity);
      const botAdded = context.activity.membersAdded?.some((member) => member.id === context.activity.recipient.id);
      if (botAdded) await this.welcome(context, conversation);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await options.conversations.remember(context.activity);
      await next();
    });
    this.onTeamsChannelCreatedEvent(async (channel, team, context, next) => {
      const created = await this.rememberChannel(channel, team, context);
      const message = created && (await options.handlers.welcome(created, principalOf(context.activity), 'channelCreated'));
      if (created && message) await options.messenger.send(created, message);
      await next();
    });
    // Policy rules and welcome cards match channel names (inc-*), so a rename must be known.
    this.onTeamsChannelRenamedEvent(async (channel, team, context, next) => {
      await this.rememberChannel(channel, team, context);
      await next();
    });
  }

  /** Activities from tenants we do not serve get nothing: no answer, nothing stored. */
  override async run(context: TurnContext): Promise<void> {
    const tenantId = tenantOf(context.activity);
    if (!this.options.servesTenant(tenantId)) {
      this.options.logger.warn({ cid: context.activity.id, tenantId, type: context.activity.type }, 'activity from a tenant that is not served; ignored');
      return;
    }
    await super.run(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const conversation = await this.options.conversations.remember(context.activity);
    const turn: IncomingTurn = { ...this.turnOf(context, conversation), cardActivityId: context.activity.replyToId };
    const data = invoke.action.data && typeof invoke.action.data === 'object' ? (invoke.action.data as Record<string, unknown>) : {};
    try {
      const card = await this.options.handlers.action(turn, { verb: invoke.action.verb, data });
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
    } catch (error) {
      // An invoke must always be answered with a card, or Teams shows a generic failure.
      const cid = context.activity.id ?? 'unknown';
      this.options.logger.error({ err: error, cid, verb: invoke.action.verb }, 'card action failed');
      const { card } = this.options.handlers.apology(cid);
      if (!card) throw error;
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
    }
  }

  private turnOf(context: TurnContext, conversation: ConversationInfo): IncomingTurn {
    return {
      activityId: context.activity.id,
      user: principalOf(context.activity),
      conversation,
      text: context.activity.type === 'message' ? commandTextOf(context.activity) : '',
      reply: async (message) => (await context.sendActivity(activityOf(message)))?.id ?? '',
    };
  }

  private async welcome(context: TurnContext, conversation: ConversationInfo): Promise<void> {
    const message = await this.options.handlers.welcome(conversation, principalOf(context.activity), 'installed');
    if (message) await context.sendActivity(activityOf(message));
  }

  /**
   * Teams announces channel events in the team's General conversation. The channel itself is
   * stored under its own id, with a reference that posts into it (a new channel's welcome goes
   * there, not to General).
   */
  private async rememberChannel(channel: ChannelInfo, team: TeamInfo, context: TurnContext): Promise<ConversationInfo | undefined> {
    const general = await this.options.conversations.remember(context.activity);
    if (!channel.id) return undefined;
    const reference = general.reference as { conversation?: Record<string, unknown> };
    return this.options.conversations.save({
      ...general,
      key: channel.id,
      kind: 'channel',
      teamId: team.id ?? general.teamId,
      channelId: channel.id,
      name: channel.name,
      reference: { ...reference, conversation: { ...reference.conversation, id: channel.id, name: channel.name } },
    });
  }
}
