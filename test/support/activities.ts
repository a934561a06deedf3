/**
 * Teams-shaped activity JSON, as Microsoft Teams posts it to a bot's /api/messages endpoint
 * (personal chat, channel with an <at> mention, Universal Action invoke, installs), plus helpers
 * to read the Adaptive Cards the bot sends back. The shapes follow the Teams activity reference:
 * conversation.conversationType, channelData.tenant/team/channel, mention entities.
 */
import { randomUUID } from 'node:crypto';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const BOT = { id: '28:9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11', name: 'Switchboard' };

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const ADA: TeamsUser = { id: '29:1ada-lovelace', name: 'Ada Lovelace', aadObjectId: '0d5c2a11-0000-4000-8000-00000000ada1' };
export const GRACE: TeamsUser = { id: '29:1grace-hopper', name: 'Grace Hopper', aadObjectId: '0d5c2a11-0000-4000-8000-0000000096ac' };

let people = 0;

/** A new, distinct user (per-user limits and permissions start fresh). */
export function someone(name = 'Operator'): TeamsUser {
  people++;
  return { id: `29:1${name.toLowerCase()}-${people}-${randomUUID().slice(0, 8)}`, name: `${name} ${people}`, aadObjectId: randomUUID() };
}

/** Where an activity happens. */
export interface TeamsPlace {
  kind: 'personal' | 'groupChat' | 'channel';
  conversationId: string;
  teamId?: string;
  teamName?: string;
  channelId?: string;
  channelName?: string;
}

/** A 1:1 chat; every call is a new conversation, so tests do not share rate-limit windows. */
export function personalChat(user: TeamsUser = ADA): TeamsPlace {
  return { kind: 'personal', conversationId: `a:1${user.id.slice(3)}-${randomUUID().slice(0, 8)}` };
}

/** A channel of a team; `teamName` defaults to the channel name (an incident team). */
export function teamChannel(channelName: string, options: { teamName?: string; unique?: string } = {}): TeamsPlace {
  const slug = `${channelName.replace(/[^a-z0-9]/gi, '')}${options.unique ?? randomUUID().slice(0, 8)}`;
  const channelId = `19:${slug}@thread.tacv2`;
  return {
    kind: 'channel',
    conversationId: channelId,
    teamId: `19:team-${slug}@thread.tacv2`,
    teamName: options.teamName ?? channelName,
    channelId,
    channelName,
  };
}

function base(serviceUrl: string, place: TeamsPlace, user: TeamsUser) {
  return {
    id: `${Date.now()}${Math.floor(Math.random() * 1000)}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: {
      id: place.conversationId,
      conversationType: place.kind,
      tenantId: TENANT_ID,
      ...(place.kind === 'personal' ? {} : { isGroup: true }),
    },
    locale: 'en-US',
    channelData: channelData(place),
  };
}

function channelData(place: TeamsPlace): Record<string, unknown> {
  const data: Record<string, unknown> = { tenant: { id: TENANT_ID } };
  if (place.kind === 'channel') {
    data.teamsTeamId = place.teamId;
    data.teamsChannelId = place.channelId;
    data.team = { id: place.teamId, name: place.teamName };
    data.channel = { id: place.channelId, name: place.channelName };
  }
  return data;
}

/** A message; in channels Teams prefixes the text with the bot's <at> mention and adds the entity. */
export function message(serviceUrl: string, place: TeamsPlace, text: string, user: TeamsUser = ADA) {
  const mention = `<at>${BOT.name}</at>`;
  const mentioned = place.kind !== 'personal';
  return {
    ...base(serviceUrl, place, user),
    type: 'message',
    textFormat: 'plain',
    text: mentioned ? `${mention} ${text}` : text,
    entities: [
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Berlin' },
      ...(mentioned ? [{ type: 'mention', text: mention, mentioned: { id: BOT.id, name: BOT.name } }] : []),
    ],
  };
}

/** A Universal Action (Action.Execute) invoke from a card the bot posted as `replyToId`. */
export function cardAction(
  serviceUrl: string,
  place: TeamsPlace,
  verb: string,
  data: Record<string, unknown>,
  replyToId: string,
  user: TeamsUser = ADA,
) {
  return {
    ...base(serviceUrl, place, user),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
  };
}

/** conversationUpdate announcing that the bot was added (Teams sends it on every install). */
export function botAdded(serviceUrl: string, place: TeamsPlace, user: TeamsUser = ADA) {
  const activity = base(serviceUrl, place, user);
  return {
    ...activity,
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    channelData: { ...activity.channelData, eventType: place.kind === 'channel' ? 'teamMemberAdded' : undefined },
  };
}

/** installationUpdate `add`, which Teams sends alongside the conversationUpdate on install. */
export function installationAdded(serviceUrl: string, place: TeamsPlace, user: TeamsUser = ADA) {
  return { ...base(serviceUrl, place, user), type: 'installationUpdate', action: 'add' };
}

/** conversationUpdate channelCreated (or channelRenamed): posted in the team's General conversation, naming the channel. */
export function channelCreated(
  serviceUrl: string,
  team: TeamsPlace,
  created: TeamsPlace,
  user: TeamsUser = ADA,
  eventType: 'channelCreated' | 'channelRenamed' = 'channelCreated',
) {
  const activity = base(serviceUrl, { ...team, conversationId: team.teamId ?? team.conversationId }, user);
  return {
    ...activity,
    type: 'conversationUpdate',
    channelData: {
      tenant: { id: TENANT_ID },
      eventType,
      team: { id: team.teamId, name: team.teamName },
      channel: { id: created.channelId, name: created.channelName },
    },
  };
}

/** POSTs an activity to the bot like the Bot Connector does. */
export async function postActivity(botUrl: string, activity: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL('/api/messages', botUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

// ---- reading what the bot sent -------------------------------------------------------------

export type Card = Record<string, unknown>;

/** The Adaptive Cards attached to an outgoing activity. */
export function cardsOf(activity: { attachments?: { contentType?: string; content?: unknown }[] } | undefined): Card[] {
  return (activity?.attachments ?? [])
    .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content as Card);
}

/** The card of an invoke response body ({ statusCode, type, value }). */
export function invokeCard(body: unknown): Card {
  const response = body as { statusCode?: number; type?: string; value?: Card };
  if (response?.type !== 'application/vnd.microsoft.card.adaptive' || !response.value)
    throw new Error(`Invoke response carries no card: ${JSON.stringify(body).slice(0, 400)}`);
  return response.value;
}

function walk(node: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((child) => walk(child, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((child) => walk(child, visit));
  }
}

/** Every visible string of a card (text, titles, facts, choices), joined by newlines. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  walk(card, (obj) => {
    for (const key of ['text', 'title', 'value', 'placeholder', 'label', 'errorMessage']) {
      if (typeof obj[key] === 'string') parts.push(obj[key] as string);
    }
  });
  return parts.join('\n');
}

/** Text of an outgoing activity: its own text and that of its cards. */
export function activityText(activity: { text?: string; attachments?: { contentType?: string; content?: unknown }[] }): string {
  return [activity.text ?? '', ...cardsOf(activity).map(cardText)].join('\n');
}

export interface ExecuteAction {
  type: 'Action.Execute';
  verb: string;
  title?: string;
  data?: Record<string, unknown>;
}

/** All Action.Execute actions anywhere in a card (action sets, selectActions, refresh). */
export function executeActions(card: unknown): ExecuteAction[] {
  const actions: ExecuteAction[] = [];
  walk(card, (obj) => {
    if (obj.type === 'Action.Execute') actions.push(obj as unknown as ExecuteAction);
  });
  return actions;
}

/** The first Action.Execute with `verb` (and matching `where`), or an error listing what there is. */
export function findAction(card: unknown, verb: string, where: (action: ExecuteAction) => boolean = () => true): ExecuteAction {
  const actions = executeActions(card);
  const found = actions.find((a) => a.verb === verb && where(a));
  if (!found)
    throw new Error(
      `No Action.Execute "${verb}" matching in card; actions: ${actions.map((a) => `${a.verb}(${a.title ?? ''} ${JSON.stringify(a.data ?? {})})`).join(', ')}`,
    );
  return found;
}

/** Input elements (Input.Text, Input.ChoiceSet, ...) of a form card by id. */
export function inputsOf(card: unknown): Map<string, Record<string, unknown>> {
  const inputs = new Map<string, Record<string, unknown>>();
  walk(card, (obj) => {
    if (typeof obj.type === 'string' && obj.type.startsWith('Input.') && typeof obj.id === 'string') inputs.set(obj.id, obj);
  });
  return inputs;
}
