/**
 * What every handler receives: the services it may use and the request it answers (who,
 * where, as the policy sees the place).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { JobService } from '../jobs/job-service.js';
import { placeOf } from '../jobs/place.js';
import type { Logger } from '../logging/logger.js';
import type { Place, Policy } from '../policy/policy.js';
import type { Store } from '../store/store.js';
import type { ActionTurn } from './handlers.js';

export interface CommandServices {
  catalog: Catalog;
  store: Store;
  policy: Policy;
  jobs: JobService;
  clock: () => Date;
  logger: Logger;
}

export interface Request {
  services: CommandServices;
  turn: ActionTurn;
  place: Place;
}

export function requestOf(services: CommandServices, turn: ActionTurn): Request {
  return { services, turn, place: placeOf(turn.conversation) };
}

/** The runbooks among `runbooks` the user may see here, in the same order. */
export async function visible(request: Request, runbooks: RunbookDefinition[]): Promise<RunbookDefinition[]> {
  const { policy } = request.services;
  const allowed = await Promise.all(runbooks.map((r) => policy.canSee(request.turn.user, r, request.place)));
  return runbooks.filter((_, i) => allowed[i]);
}
