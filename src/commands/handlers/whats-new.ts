/**
 * What changed in the catalog: since a date the user names, or since they last asked (a marker
 * per user, so asking twice in a row shows nothing new the second time). First-time askers get
 * the last week. Changes to runbooks the user may not see here are left out.
 */
import { whatsNewCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { CatalogChange } from '../../store/store.js';
import { visible, type Request } from '../context.js';
import { parseSince } from '../since-date.js';

const MARKER = 'whats-new';
const FIRST_TIME_WINDOW_MS = 7 * 86_400_000;

export async function whatsNew(request: Request, sinceText: string | undefined): Promise<AdaptiveCard> {
  const { store, clock } = request.services;
  const now = clock();
  const userId = request.user.id;
  const since = sinceText
    ? parseSince(sinceText, now).toISOString()
    : ((await store.getMarker(userId, MARKER)) ?? new Date(now.getTime() - FIRST_TIME_WINDOW_MS).toISOString());
  const changes = await visibleChanges(request, await store.catalogChanges(since));
  await store.setMarker(userId, MARKER, now.toISOString());
  return whatsNewCard({ changes, since });
}

/** Changes to runbooks the user may see here; removed runbooks have no definition left to check. */
async function visibleChanges(request: Request, changes: CatalogChange[]): Promise<CatalogChange[]> {
  const { catalog } = request.services;
  const current = changes.map((c) => catalog.get(c.name)).filter((r) => r !== undefined);
  const seen = new Set((await visible(request, current)).map((r) => r.name.toLowerCase()));
  return changes.filter((c) => c.change === 'removed' || seen.has(c.name.toLowerCase()));
}
