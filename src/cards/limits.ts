/**
 * Size limits every card is built to respect. Teams refuses a message whose payload is larger
 * than about 28 KB; the card is only part of that payload (the activity envelope, ids and the
 * conversation reference come on top), so cards aim for a smaller budget and long content is
 * paged or folded rather than cut off by Teams.
 */
import type { AdaptiveCard } from '../domain/message.js';

/** Teams' limit for one message, card included (bytes of serialized JSON). */
export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;

/** What a card may use, leaving room for the activity envelope around it. */
export const CARD_BUDGET_BYTES = 24 * 1024;

/** Teams auto-refreshes a card (Universal Actions `refresh`) for at most this many user ids. */
export const MAX_REFRESH_USER_IDS = 60;

/** Highest Adaptive Cards schema version the bot emits (Universal Actions need 1.4+, Teams renders 1.5). */
export const CARD_SCHEMA_VERSION = '1.5';

/** Bytes of the card as it travels: UTF-8 JSON. */
export function serializedSize(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

/**
 * Allowances tried in turn by cards whose content can be long (output, help texts): 1 is the
 * full allowance, 0 the bare minimum. Long content gives way before the card outgrows Teams.
 */
export const FIT_SCALES: readonly number[] = [1, 0.5, 0.25, 0];

/** The first rendering, from the most generous allowance down, that fits the card budget. */
export function fitToBudget(render: (scale: number) => AdaptiveCard, scales: readonly number[] = FIT_SCALES): AdaptiveCard {
  let card = render(scales[0]);
  for (const scale of scales.slice(1)) {
    if (serializedSize(card) <= CARD_BUDGET_BYTES) break;
    card = render(scale);
  }
  return card;
}
