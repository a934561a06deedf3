/** A short answer or error: what happened, how to fix it, an example, and "did you mean" options. */
import type { AdaptiveCard } from '../domain/message.js';
import { type CardButton, MAX_CARD_BUTTONS } from './elements.js';
import { renderCard } from './templates.js';

export type MessageTone = 'info' | 'warning' | 'error';

const TONES: Record<MessageTone, { emoji: string; color: string; style: string }> = {
  info: { emoji: 'ℹ️', color: 'default', style: 'emphasis' },
  warning: { emoji: '⚠️', color: 'warning', style: 'warning' },
  error: { emoji: '❌', color: 'attention', style: 'attention' },
};

export interface MessageInput {
  title: string;
  text: string;
  tone: MessageTone;
  /** A command or value that works, shown in monospace. */
  example?: string;
  /** Close matches ("did you mean …"), listed as text. */
  suggestions?: string[];
  /** Buttons, e.g. opening the form of a suggested runbook. */
  actions?: CardButton[];
}

export function messageCard(input: MessageInput): AdaptiveCard {
  const tone = TONES[input.tone];
  const suggestions = input.suggestions ?? [];
  return renderCard('message', {
    ...tone,
    title: input.title,
    text: input.text,
    example: input.example ?? null,
    suggestions: suggestions.length > 0 ? `Did you mean ${suggestions.slice(0, 5).join(', ')}?` : null,
    actions: (input.actions ?? []).slice(0, MAX_CARD_BUTTONS),
  });
}
