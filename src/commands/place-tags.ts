/**
 * Which runbook tags belong to a kind of place. Incident teams name their channels (or whole
 * teams) `inc-1234-…` or `…-incident-…`; such places get the runbooks tagged `incident` on their
 * welcome card, and a newly created channel with such a name is welcomed even though nobody
 * added the bot to it explicitly. Other places get the most used runbooks instead.
 */
import type { ConversationInfo } from '../domain/conversation.js';

export const INCIDENT_TAG = 'incident';

export function isIncidentPlace(name: string | undefined): boolean {
  if (!name) return false;
  const lower = name.trim().toLowerCase();
  return lower.startsWith('inc-') || lower.includes('incident');
}

/** Tags whose runbooks a place's welcome card lists; empty: no particular tag. */
export function placeTags(conversation: Pick<ConversationInfo, 'kind' | 'name'>): string[] {
  return conversation.kind !== 'personal' && isIncidentPlace(conversation.name) ? [INCIDENT_TAG] : [];
}
