/**
 * What every handler receives: the services it may use and the request it answers (who,
 * where, and the place as the policy sees it).
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ConversationInfo } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { JobService } from '../jobs/job-service.js';
import { placeOf } from '../jobs/place.js';
import type { Logger } from '../logging/logger.js';
import type { Place, Policy } from '../policy/policy.js';
import type { Store } from '../store/store.js';

export interface CommandServices {
  catalog: Catalog;
  store: Store;
  policy: Policy;
  jobs: JobService;
  clock: () => Date;
  logger: Logger;
}

/** Who asks where; handlers that answer on their own (run) also get the Turn. */
export interface Request {
  services: CommandServices;
  user: Principal;
  conversation: ConversationInfo;
  place: Place;
}

export function requestOf(services: CommandServices, user: Principal, conversation: ConversationInfo): Request {
  return { services, user, conversation, place: placeOf(conversation) };
}

/** The runbooks among `runbooks` the user may see here, in the same order. */
export function visible(request: Request, runbooks: readonly RunbookDefinition[]): Promise<readonly RunbookDefinition[]> {
  return request.services.policy.visibleRunbooks(request.user, runbooks, request.place);
}
