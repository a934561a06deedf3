import type { ConversationInfo } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
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

/** Same person: the Teams user id, or the AAD object id when both sides carry one. */
export function samePerson(a: Principal, b: Principal): boolean {
  if (a.id === b.id) return true;
  return a.aadObjectId !== undefined && a.aadObjectId === b.aadObjectId;
}
