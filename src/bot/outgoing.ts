/**
 * Our OutgoingMessage as a Bot Framework activity: text and/or one Adaptive Card attachment.
 */
import { CardFactory, type Activity } from 'botbuilder';
import type { OutgoingMessage } from '../domain/message.js';

export function activityOf(message: OutgoingMessage): Partial<Activity> {
  return {
    type: 'message',
    text: message.text,
    attachments: message.card ? [CardFactory.adaptiveCard(message.card)] : undefined,
  };
}
