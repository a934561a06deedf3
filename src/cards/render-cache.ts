/**
 * Remembers cards whose inputs repeat (the help card of a catalog: the same for everyone who
 * sees the same runbooks), so the templating library, which evaluates every binding again on
 * each expansion (0.7–1.1 ms for the help card), runs once per distinct input.
 *
 * Every caller gets the one remembered card, deeply frozen: nobody can change what the next
 * caller gets, and nothing is copied per message (parsing a kept JSON copy on each help was the
 * largest item of Switchboard's own CPU time in the P1 bench). Least recently used entries go
 * first once `capacity` is reached.
 */
import type { AdaptiveCard } from '../domain/message.js';

export class RenderCache {
  private readonly cards = new Map<string, AdaptiveCard>();

  constructor(private readonly capacity: number) {}

  /** The card for `key` (frozen), rendered by `render` only when it is not remembered. */
  get(key: string, render: () => AdaptiveCard): AdaptiveCard {
    const cached = this.cards.get(key);
    if (cached !== undefined) {
      // Re-inserting moves the entry to the newest end of the Map's insertion order.
      this.cards.delete(key);
      this.cards.set(key, cached);
      return cached;
    }
    const card = deepFreeze(render());
    this.cards.set(key, card);
    if (this.cards.size > this.capacity) this.cards.delete(this.cards.keys().next().value as string);
    return card;
  }

  get size(): number {
    return this.cards.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
