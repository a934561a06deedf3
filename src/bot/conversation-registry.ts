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

export class ConversationRegistry {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  /** The conversation of this activity, saved with its freshest reference. */
  async remember(activity: Partial<Activity>): Promise<ConversationInfo> {
    return this.save(conversationInfoOf(activity, this.clock()));
  }

  /** Saves `info`, keeping a name learned earlier for it or for its channel. */
  async save(info: ConversationInfo): Promise<ConversationInfo> {
    const name = info.name ?? (await this.knownName(info));
    const complete = { ...info, name };
    await this.store.saveConversation(complete);
    return complete;
  }

  private async knownName(info: ConversationInfo): Promise<string | undefined> {
    const same = await this.store.getConversation(info.key);
    if (same?.name) return same.name;
    if (info.channelId && info.channelId !== info.key) return (await this.store.getConversation(info.channelId))?.name;
    return undefined;
  }
}
