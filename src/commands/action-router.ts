/**
 * Card buttons (Action.Execute verbs, see src/cards/verbs.ts): each verb's handler answers with
 * the card that replaces the one clicked. Card data is read defensively — it is untrusted and
 * only says what was clicked; handlers look up everything that matters themselves.
 */
import { FRICTION_INPUT_ID, SEARCH_INPUT_ID, Verb, type VerbName } from '../cards/index.js';
import type { AdaptiveCard, CardAction } from '../domain/message.js';
import { commandInfo } from './command-list.js';
import type { Request } from './context.js';
import type { IncomingTurn } from './handlers.js';
import { requireJobId } from './job-id.js';
import { categoryCard, searchCard } from './handlers/browse.js';
import { frictionForm, reportFriction } from './handlers/friction.js';
import { historyFor } from './handlers/history.js';
import { decideJob } from './handlers/approval.js';
import { cancelJob } from './handlers/cancel.js';
import { jobCardFor } from './handlers/job.js';
import { fullOutput } from './handlers/output.js';
import { myJobs, recentHere } from './handlers/job-lists.js';
import { menuCard } from './handlers/menu.js';
import { formCard, submitFormCard } from './handlers/run-form.js';
import { whatsNew } from './handlers/whats-new.js';
import { noticeCard } from './replies.js';

type Data = Record<string, unknown>;
type ActionHandler = (request: Request, data: Data, turn: IncomingTurn) => Promise<AdaptiveCard> | AdaptiveCard;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const optional = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const page = (value: unknown): number => {
  const number = Math.floor(Number(value));
  return number > 0 ? number : 1;
};
const jobIdOf = (data: Data): string => requireJobId(text(data.jobId), commandInfo('job'));

const HANDLERS: Record<VerbName, ActionHandler> = {
  menu: (request) => menuCard(request),
  category: (request, data) => categoryCard(request, text(data.category), page(data.page)),
  search: (request, data) => searchCard(request, text(data[SEARCH_INPUT_ID]), page(data.page)),
  whatsNew: (request) => whatsNew(request, undefined),
  myJobs: (request) => myJobs(request),
  recentHere: (request) => recentHere(request),
  openForm: (request, data) => formCard(request, text(data.runbook), optional(data.fromJobId)),
  submitRun: (request, data, turn) => submitFormCard(request, data, turn),
  cancelJob: (request, data) => cancelJob(request, jobIdOf(data), 'card'),
  refreshJob: (request, data) => jobCardFor(request, jobIdOf(data)),
  fullOutput: (request, data) => fullOutput(request, jobIdOf(data), page(data.page)),
  reportFriction: (_request, data) => frictionForm(optional(data.jobId)),
  submitFriction: (request, data) => reportFriction(request, text(data[FRICTION_INPUT_ID]), optional(data.jobId)),
  approve: (request, data) => decideJob(request, jobIdOf(data), 'approve'),
  reject: (request, data) => decideJob(request, jobIdOf(data), 'reject'),
  history: (request, data) => historyFor(request, optional(data.runbook)),
};

export async function answerAction(request: Request, action: CardAction, turn: IncomingTurn): Promise<AdaptiveCard> {
  const handler = Object.hasOwn(HANDLERS, action.verb) ? HANDLERS[action.verb as VerbName] : undefined;
  if (!handler)
    return noticeCard('warning', 'This button is not known (any more).', 'The card may come from an older version of Switchboard. Type menu to start again.', [
      { title: '☰ Menu', verb: Verb.menu, data: {} },
    ]);
  return handler(request, action.data, turn);
}
