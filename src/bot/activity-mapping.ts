/**
 * Translates Bot Framework activities into Switchboard's own small types (Principal,
 * ConversationInfo, command text), so nothing past src/bot sees a botbuilder type. Everything is
 * read from the activity itself — Teams puts team, channel and tenant into channelData — so no
 * network call is needed to know where a message came from.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { ConversationInfo, PlaceKind } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';

/** The Teams-specific part of channelData that we read. */
interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  channel?: { id?: string; name?: string };
  eventType?: string;
}

export function teamsChannelData(activity: Partial<Activity>): TeamsChannelData {
  return (activity.channelData ?? {}) as TeamsChannelData;
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? teamsChannelData(activity).tenant?.id;
}

export function principalOf(activity: Partial<Activity>): Principal {
  const from = activity.from ?? { id: 'unknown', name: 'unknown' };
  return {
    id: from.id,
    name: from.name || from.id,
    aadObjectId: from.aadObjectId,
    tenantId: tenantOf(activity),
  };
}

function placeKindOf(activity: Partial<Activity>): PlaceKind {
  const type = activity.conversation?.conversationType;
  if (type === 'channel') return 'channel';
  if (type === 'personal' || !activity.conversation?.isGroup) return 'personal';
  return 'groupChat';
}

/**
 * Where the activity happened. The name is the channel's, or — in a team's General channel,
 * whose conversation id is the team id — the team's, or a group chat's topic; messages usually
 * carry no name, so the caller keeps the one learned at install time (see ConversationRegistry).
 */
export function conversationInfoOf(activity: Partial<Activity>, now: Date): ConversationInfo {
  const data = teamsChannelData(activity);
  const kind = placeKindOf(activity);
  const conversationId = activity.conversation?.id ?? '';
  // A thread's conversation id is its channel's id plus ";messageid=…".
  const channelId = kind === 'channel' ? conversationId.split(';')[0] : undefined;
  // channelData.channel describes this conversation's channel — except in channel events
  // (channelCreated, channelRenamed), which arrive in General and describe another channel.
  const ownChannel = channelId !== undefined && data.channel?.id === channelId ? data.channel : undefined;
  const isGeneral = channelId !== undefined && channelId === data.team?.id;
  const name = ownChannel?.name ?? (isGeneral ? data.team?.name : undefined) ?? activity.conversation?.name;
  return {
    key: conversationId,
    kind,
    tenantId: tenantOf(activity),
    teamId: data.team?.id,
    channelId,
    name: name || undefined,
    serviceUrl: activity.serviceUrl ?? '',
    reference: referenceOf(activity),
    updatedAt: now.toISOString(),
  };
}

/**
 * The reference for proactive messages. The activity id is dropped so later posts start a new
 * message in the conversation instead of replying to whatever message taught us the reference.
 */
function referenceOf(activity: Partial<Activity>): Partial<ConversationReference> {
  const { activityId: _replyTarget, ...reference } = TurnContext.getConversationReference(activity);
  return reference;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The command the user typed: the bot's own @mention removed (so "@Switchboard help" works in
 * channels), HTML entities that Teams clients put into plain text decoded, whitespace trimmed.
 */
export function commandTextOf(activity: Activity): string {
  const withoutMention = activity.entities?.length ? TurnContext.removeRecipientMention(activity) : activity.text;
  return (withoutMention ?? '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, entity: string) => ENTITIES[entity])
    .replace(/\u00a0/g, ' ')
    .trim();
}
