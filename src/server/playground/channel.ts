/**
 * The playground's conversations: what was said in each (a short transcript, so a reloaded page
 * shows the chat and the live job cards again) and who is watching (the pages subscribed over
 * Server-Sent Events). Entries are keyed by activity id; an update of a card in place replaces
 * the entry with the same id, exactly as Teams replaces the message.
 */
export interface TranscriptEntry {
  id: string;
  from: 'user' | 'bot';
  text?: string;
  attachments?: { contentType?: string; content?: unknown }[];
  /** How many times the bot replaced this entry (0 for a new message). */
  revision: number;
  at: string;
}

export type ChannelEvent = { kind: 'entry'; entry: TranscriptEntry } | { kind: 'removed'; id: string };

type Listener = (event: ChannelEvent) => void;

interface Conversation {
  entries: Map<string, TranscriptEntry>;
  listeners: Set<Listener>;
}

/** Entries kept per conversation; older ones fall off (a playground is not an archive). */
export const TRANSCRIPT_LIMIT = 200;

export class PlaygroundChannel {
  private readonly conversations = new Map<string, Conversation>();
  private sequence = 0;

  /** Records a new message and returns its activity id. */
  post(conversationId: string, entry: Omit<TranscriptEntry, 'id' | 'revision' | 'at'>): string {
    const id = `pg-${++this.sequence}`;
    this.store(conversationId, { ...entry, id, revision: 0, at: new Date().toISOString() });
    return id;
  }

  /** Replaces a message in place (a card update or the card an invoke answered with). */
  replace(conversationId: string, id: string, entry: Omit<TranscriptEntry, 'id' | 'revision' | 'at'>): void {
    const previous = this.conversation(conversationId).entries.get(id);
    this.store(conversationId, { ...entry, id, revision: (previous?.revision ?? -1) + 1, at: new Date().toISOString() });
  }

  remove(conversationId: string, id: string): void {
    const conversation = this.conversation(conversationId);
    if (!conversation.entries.delete(id)) return;
    for (const listener of conversation.listeners) listener({ kind: 'removed', id });
  }

  /** How often an entry was replaced so far (-1: unknown), to tell whether an answer is stale. */
  revisionOf(conversationId: string, id: string): number {
    return this.conversation(conversationId).entries.get(id)?.revision ?? -1;
  }

  /** Replays the transcript to the listener, then streams what follows; returns the unsubscribe. */
  subscribe(conversationId: string, listener: Listener): { replayed: number; unsubscribe: () => void } {
    const conversation = this.conversation(conversationId);
    for (const entry of conversation.entries.values()) listener({ kind: 'entry', entry });
    conversation.listeners.add(listener);
    return { replayed: conversation.entries.size, unsubscribe: () => conversation.listeners.delete(listener) };
  }

  private store(conversationId: string, entry: TranscriptEntry): void {
    const conversation = this.conversation(conversationId);
    if (!conversation.entries.has(entry.id)) {
      const oldest = conversation.entries.keys().next();
      if (conversation.entries.size >= TRANSCRIPT_LIMIT && !oldest.done) conversation.entries.delete(oldest.value);
    }
    conversation.entries.set(entry.id, entry);
    for (const listener of conversation.listeners) listener({ kind: 'entry', entry });
  }

  private conversation(id: string): Conversation {
    let conversation = this.conversations.get(id);
    if (!conversation) {
      conversation = { entries: new Map(), listeners: new Set() };
      this.conversations.set(id, conversation);
    }
    return conversation;
  }
}
