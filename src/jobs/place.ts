import type { ConversationInfo } from '../domain/conversation.js';
import type { Place } from '../policy/policy.js';

/** The policy's view of a conversation. */
export function placeOf(conversation: ConversationInfo): Place {
  return {
    kind: conversation.kind,
    conversationKey: conversation.key,
    teamId: conversation.teamId,
    channelId: conversation.channelId,
    tenantId: conversation.tenantId,
    name: conversation.name,
  };
}

