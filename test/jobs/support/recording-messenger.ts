import type { ConversationInfo } from '../../../src/domain/conversation.js';
import type { Messenger, OutgoingMessage } from '../../../src/domain/message.js';
import type { Clock } from '../../../src/jobs/clock.js';

export interface Delivery {
  kind: 'send' | 'update';
  conversation: string;
  activityId: string;
  message: OutgoingMessage;
  at: number;
}

export interface Attempt {
  kind: 'send' | 'update';
  conversation: string;
  activityId?: string;
  at: number;
}

/**
 * Stands in for the Bot Framework edge: records every call and its (virtual) time, and fails the
 * calls a test asks it to fail, the way the connector does.
 */
export class RecordingMessenger implements Messenger {
  readonly attempts: Attempt[] = [];
  readonly delivered: Delivery[] = [];
  /** Return an error to throw for this attempt, or undefined to succeed. */
  failWith: (attempt: Attempt, index: number) => unknown = () => undefined;
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  async send(conversation: ConversationInfo, message: OutgoingMessage): Promise<string> {
    const attempt = this.attempt('send', conversation);
    const activityId = `activity-${this.nextId++}`;
    this.delivered.push({ ...attempt, activityId, message });
    return activityId;
  }

  async update(conversation: ConversationInfo, activityId: string, message: OutgoingMessage): Promise<void> {
    const attempt = this.attempt('update', conversation, activityId);
    this.delivered.push({ ...attempt, activityId, message });
  }

  private attempt(kind: 'send' | 'update', conversation: ConversationInfo, activityId?: string): Attempt & { kind: typeof kind } {
    const attempt = { kind, conversation: conversation.key, activityId, at: this.clock.now() };
    this.attempts.push(attempt);
    const error = this.failWith(attempt, this.attempts.length - 1);
    if (error) throw error;
    return attempt;
  }
}

export function conversation(key: string): ConversationInfo {
  return { key, kind: 'channel', serviceUrl: 'http://127.0.0.1:1/', reference: { conversation: { id: key } }, updatedAt: '2025-03-31T08:00:00Z' };
}

/** Throws unless no window of the given length ever held more than max of the times. */
export function assertWithinLimit(times: number[], windowMs: number, max: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j] < sorted[i] + windowMs) j++;
    if (j - i > max) throw new Error(`${j - i} messages within ${windowMs} ms starting at ${sorted[i]} (limit ${max})`);
  }
}
