/**
 * What the playground page asks for, checked, and turned into the activity Microsoft Teams would
 * post to the bot: channelId `msteams`, a playground user and tenant, a personal chat or an
 * incident channel (with the bot's @mention, as Teams sends it), and a `serviceUrl` pointing at
 * the playground's own connector so the bot's answers come back here.
 */
import { randomUUID } from 'node:crypto';

export type PlaceKind = 'personal' | 'channel';

export type PageRequest =
  | { type: 'message'; conversationId: string; place: PlaceKind; text: string }
  | { type: 'invoke'; conversationId: string; place: PlaceKind; replyToId: string; verb: string; data: Record<string, unknown> }
  | { type: 'install'; conversationId: string; place: PlaceKind };

export const PLAYGROUND_USER = { id: '29:playground-user', name: 'Playground User', aadObjectId: '00000000-0000-4000-8000-00000000beef' };
export const PLAYGROUND_BOT = { id: '28:switchboard-playground', name: 'Switchboard' };
export const PLAYGROUND_TENANT = 'playground-tenant';
/** The channel the playground offers: its name makes it an incident channel (welcome, tags). */
export const PLAYGROUND_CHANNEL = { name: 'inc-playground', teamName: 'Playground team' };

const CONVERSATION_ID = /^[A-Za-z0-9-]{8,64}$/;
const MAX_TEXT = 4000;

export class PageRequestError extends Error {}

/** Validates the page's JSON; every mistake says what is wrong and what is expected. */
export function parsePageRequest(body: unknown): PageRequest {
  if (typeof body !== 'object' || body === null) throw new PageRequestError('Send a JSON object, e.g. {"type":"message","conversationId":"chat-1234abcd","place":"personal","text":"help"}.');
  const b = body as Record<string, unknown>;
  if (typeof b.conversationId !== 'string' || !CONVERSATION_ID.test(b.conversationId))
    throw new PageRequestError('conversationId must be 8 to 64 letters, digits or dashes, e.g. "chat-1234abcd".');
  const place = b.place ?? 'personal';
  if (place !== 'personal' && place !== 'channel') throw new PageRequestError('place must be "personal" or "channel".');
  const common = { conversationId: b.conversationId, place: place as PlaceKind };
  switch (b.type) {
    case 'message':
      if (typeof b.text !== 'string' || !b.text.trim()) throw new PageRequestError('text must be the message to send, e.g. "help".');
      if (b.text.length > MAX_TEXT) throw new PageRequestError(`text is ${b.text.length} characters; the playground sends at most ${MAX_TEXT}.`);
      return { ...common, type: 'message', text: b.text };
    case 'invoke': {
      if (typeof b.replyToId !== 'string' || !b.replyToId) throw new PageRequestError('replyToId must be the id of the card whose action was clicked.');
      if (typeof b.verb !== 'string' || !b.verb) throw new PageRequestError('verb must be the Action.Execute verb, e.g. "menu".');
      const data = b.data ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PageRequestError('data must be an object (the action data merged with the card inputs).');
      return { ...common, type: 'invoke', replyToId: b.replyToId, verb: b.verb, data: data as Record<string, unknown> };
    }
    case 'install':
      return { ...common, type: 'install' };
    default:
      throw new PageRequestError('type must be "message", "invoke" or "install".');
  }
}

/** The conversation id the bot sees: one per browser conversation and place. */
export function botConversationId(request: Pick<PageRequest, 'conversationId' | 'place'>): string {
  return request.place === 'channel' ? `19:${request.conversationId}@thread.playground` : `a:${request.conversationId}`;
}

export function teamsActivity(request: PageRequest, serviceUrl: string): Record<string, unknown> {
  const conversationId = botConversationId(request);
  const channel = request.place === 'channel';
  const teamId = `19:team-${request.conversationId}@thread.playground`;
  const base = {
    id: `pg-in-${randomUUID()}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: PLAYGROUND_USER,
    recipient: PLAYGROUND_BOT,
    conversation: { id: conversationId, conversationType: request.place, tenantId: PLAYGROUND_TENANT, ...(channel ? { isGroup: true } : {}) },
    locale: 'en-US',
    channelData: {
      tenant: { id: PLAYGROUND_TENANT },
      ...(channel
        ? { team: { id: teamId, name: PLAYGROUND_CHANNEL.teamName }, channel: { id: conversationId, name: PLAYGROUND_CHANNEL.name } }
        : {}),
    },
  };
  switch (request.type) {
    case 'message': {
      const mention = `<at>${PLAYGROUND_BOT.name}</at>`;
      return {
        ...base,
        type: 'message',
        textFormat: 'plain',
        text: channel ? `${mention} ${request.text}` : request.text,
        entities: channel ? [{ type: 'mention', text: mention, mentioned: PLAYGROUND_BOT }] : [],
      };
    }
    case 'invoke':
      return {
        ...base,
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: request.replyToId,
        value: { action: { type: 'Action.Execute', id: randomUUID(), verb: request.verb, data: request.data }, trigger: 'manual' },
      };
    case 'install':
      return { ...base, type: 'conversationUpdate', membersAdded: [{ id: PLAYGROUND_BOT.id }] };
  }
}
