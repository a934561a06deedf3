/**
 * Where a message came from or goes to, independent of Bot Framework types. `reference` is the
 * opaque channel-specific reference (a botbuilder ConversationReference today) that only the
 * edge (src/bot) interprets.
 */
export type PlaceKind = 'personal' | 'groupChat' | 'channel';

export interface ConversationInfo {
  /** Stable key: conversation id (channel threads share the channel's conversation id prefix). */
  key: string;
  kind: PlaceKind;
  tenantId?: string;
  teamId?: string;
  channelId?: string;
  /** Channel or chat name when Teams tells us (used for welcome cards: inc-* channels). */
  name?: string;
  serviceUrl: string;
  /** Opaque reference for proactive messages. */
  reference: unknown;
  updatedAt: string;
}
