/**
 * Remembers every conversation the bot hears from, so jobs can post and update their cards
 * later (proactive messages need the stored reference). Teams names a channel only in some
 * activities (installs, channelCreated), so a name learned once is kept when later messages
 * arrive without one — and a thread inherits the name of its channel. Policy rules and welcome
 * cards depend on that name (inc-* channels).
 */
import type { Activity } from 'botbuilder';
import type { ConversationInfo } from '../domain/conversation.js';
import type { Store } from '../store/store.js';
import { conversationInfoOf } from './activity-mapping.js';

/** Conversations whose last save is remembered; beyond this, the least recently heard is forgotten. */
const REMEMBERED_CONVERSATIONS = 5000;

/**
 * An unchanged conversation is saved again after this long anyway: another bot instance on the
 * same store may have learned a newer name meanwhile, which this one then reads back.
 */
const RESAVE_AFTER_MS = 10 * 60_000;

interface LastSave {
  /** The saved conversation without its timestamp, as JSON. */
  fingerprint: string;
  name?: string;
  at: number;
}

export class ConversationRegistry {
  // Every activity carries the conversation, but it rarely changes: writing it (and, without a
  // name, reading it first) on each one cost a store round trip per message.
  private readonly saved = new Map<string, LastSave>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  /** The conversation of this activity, saved with its freshest reference. */
  async remember(activity: Partial<Activity>): Promise<ConversationInfo> {
    return this.save(conversationInfoOf(activity, this.clock()));
  }

  /** Saves `info` (unless it is what was saved last), keeping a name learned earlier for it or for its channel. */
  async save(info: ConversationInfo): Promise<ConversationInfo> {
    const now = this.clock().getTime();
    const last = this.saved.get(info.key);
    const recent = last && now - last.at < RESAVE_AFTER_MS ? last : undefined;
    const name = info.name ?? (recent ? recent.name : await this.knownName(info));
    const complete = { ...info, name };
    const fingerprint = JSON.stringify({ ...complete, updatedAt: undefined });
    if (recent?.fingerprint === fingerprint) return complete;
    await this.store.saveConversation(complete);
    // Re-inserting keeps the Map in least-recently-saved order for the bound below.
    this.saved.delete(info.key);
    this.saved.set(info.key, { fingerprint, name, at: now });
    if (this.saved.size > REMEMBERED_CONVERSATIONS) this.saved.delete(this.saved.keys().next().value as string);
    return complete;
  }

  private async knownName(info: ConversationInfo): Promise<string | undefined> {
    // Personal chats have no name to keep (Teams never sends one), so a first message in one
    // does not need a store read before its write.
    if (info.kind === 'personal') return undefined;
    const same = await this.store.getConversation(info.key);
    if (same?.name) return same.name;
    if (info.channelId && info.channelId !== info.key) return (await this.store.getConversation(info.channelId))?.name;
    return undefined;
  }
}
