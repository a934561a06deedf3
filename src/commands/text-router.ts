/**
 * Typed commands: the first word names the command, the rest is handed to its handler as typed
 * (only `run` needs its words split, and free text such as a friction report must keep its
 * apostrophes). An empty message opens the menu. An unknown first word gets "did you mean" — or,
 * when it is a runbook's name, the hint to run it.
 */
import type { OutgoingMessage } from '../domain/message.js';
import { COMMANDS, commandInfo, type CommandName } from './command-list.js';
import type { Request } from './context.js';
import { closest } from './did-you-mean.js';
import type { IncomingTurn } from './handlers.js';
import { requireJobId } from './job-id.js';
import { CommandMistake } from './mistake.js';
import { auditLog } from './handlers/audit.js';
import { searchCard } from './handlers/browse.js';
import { frictionList, reportFriction } from './handlers/friction.js';
import { helpFor } from './handlers/help.js';
import { historyFor } from './handlers/history.js';
import { cancelJob } from './handlers/cancel.js';
import { jobCardFor } from './handlers/job.js';
import { myJobs } from './handlers/job-lists.js';
import { menuCard } from './handlers/menu.js';
import { runCommand } from './handlers/run-text.js';
import { whatsNew } from './handlers/whats-new.js';
import { tokenize } from './tokenizer.js';

type TextHandler = (request: Request, rest: string, turn: IncomingTurn) => Promise<OutgoingMessage | undefined>;

const card = async (pending: Promise<OutgoingMessage['card']>): Promise<OutgoingMessage> => ({ card: await pending });
const firstWord = (rest: string): string | undefined => rest.split(/\s+/)[0] || undefined;

const HANDLERS: Record<CommandName, TextHandler> = {
  help: (request, rest) => card(helpFor(request, firstWord(rest))),
  menu: (request) => card(menuCard(request)),
  search: (request, rest) => card(searchCard(request, rest, 1)),
  run: (request, rest, turn) => runCommand(request, tokenize(rest), turn.activityId),
  history: (request, rest) => card(historyFor(request, firstWord(rest))),
  new: (request, rest) => card(whatsNew(request, rest.replace(/^since\b/i, '').trim() || undefined)),
  jobs: (request) => card(myJobs(request)),
  job: (request, rest) => card(jobCardFor(request, requireJobId(firstWord(rest), commandInfo('job')))),
  cancel: (request, rest) => card(cancelJob(request, requireJobId(firstWord(rest), commandInfo('cancel')), 'notice')),
  friction: (request, rest) => card(reportFriction(request, rest, undefined)),
  frictions: (request) => card(frictionList(request)),
  audit: (request, rest) => card(auditLog(request, rest ? requireJobId(firstWord(rest), commandInfo('audit')) : undefined)),
};

export async function answerText(request: Request, turn: IncomingTurn): Promise<OutgoingMessage | undefined> {
  const text = turn.text.trim();
  if (!text) return { card: await menuCard(request) };
  const [, word, rest] = /^(\S+)\s*([\s\S]*)$/.exec(text)!;
  const name = word.toLowerCase() as CommandName;
  const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
  if (handler) return handler(request, rest.trim(), turn);
  throw await unknownCommand(request, word);
}

async function unknownCommand(request: Request, word: string): Promise<CommandMistake> {
  const runbook = request.services.catalog.get(word);
  if (runbook && (await request.services.policy.canSee(request.user, runbook, request.place)))
    return new CommandMistake(`${runbook.name} is a runbook; commands come first.`, `Write run ${runbook.name} to run it, or help ${runbook.name} to see its parameters.`, `run ${runbook.name}`);
  const guesses = closest(word, COMMANDS.map((c) => c.name));
  return new CommandMistake(
    `I don't know the command "${word}".${guesses.length ? ` Did you mean ${guesses.join(' or ')}?` : ''}`,
    `Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Type help for what each does.`,
    guesses.length ? commandInfo(guesses[0] as CommandName).example : 'help',
  );
}
