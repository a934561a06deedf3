/**
 * Cards for finding runbooks: the main menu, category and search pages, the welcome card, help,
 * a runbook's own help and what changed in the catalog.
 */
import type { CategorySummary } from '../catalog/catalog.js';
import type { PlaceKind } from '../domain/conversation.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { CatalogChange } from '../store/store.js';
import { type CardElement, note, runbookItem, runbookMeta, table } from './elements.js';
import { clip, formatDuration, localTime, plural, targetLabel } from './format.js';
import { runCommandExample, parameterDetails } from './form-fields.js';
import { fitToBudget } from './limits.js';
import { pager } from './paging.js';
import { RenderCache } from './render-cache.js';
import { renderCard } from './templates.js';
import { SEARCH_INPUT_ID, Verb, type VerbName } from './verbs.js';

/** Categories shown on the menu; a catalog with more (typos in metadata, say) is searched instead. */
export const MAX_MENU_CATEGORIES = 40;
const CATEGORIES_PER_ROW = 2;

export interface MainMenuInput {
  categories: CategorySummary[];
  totalRunbooks: number;
  userName: string;
}

export function mainMenuCard(input: MainMenuInput): AdaptiveCard {
  const shown = input.categories.slice(0, MAX_MENU_CATEGORIES);
  const categoryRows: { cells: { title: string; category: string }[] }[] = [];
  for (let i = 0; i < shown.length; i += CATEGORIES_PER_ROW) {
    categoryRows.push({
      cells: shown.slice(i, i + CATEGORIES_PER_ROW).map((c) => ({ title: `${clip(c.name, 40)} (${c.count})`, category: c.name })),
    });
  }
  const hidden = input.categories.length - shown.length;
  return renderCard('main-menu', {
    greeting: `Hi ${input.userName}! ${plural(input.totalRunbooks, 'runbook')} in ${plural(input.categories.length, 'category', 'categories')}. Pick a category or search.`,
    searchInputId: SEARCH_INPUT_ID,
    categoryRows,
    moreCategories: hidden > 0 ? `${plural(hidden, 'more category', 'more categories')} not shown: use the search box.` : null,
  });
}

export interface RunbookListInput {
  title: string;
  /** The runbooks of this page (at most pageSize; use paginate() to cut a page). */
  runbooks: RunbookDefinition[];
  /** 1-based page number. */
  page: number;
  pageSize: number;
  /** How many runbooks match in all. */
  total: number;
  /** Verb and data that fetch another page (the page number is added to the data). */
  verb: VerbName;
  data: Record<string, unknown>;
  /** Shown when nothing matches, e.g. a search hint. */
  emptyText?: string;
}

export function runbookListCard(input: RunbookListInput): AdaptiveCard {
  const totalPages = Math.max(1, Math.ceil(input.total / input.pageSize));
  return renderCard('list', {
    title: input.title,
    summary: input.total > 0 ? `${plural(input.total, 'runbook')}` : null,
    rows: input.runbooks.slice(0, input.pageSize).map((r) => runbookItem(r, runbookMeta(r))),
    more: input.total === 0 ? (input.emptyText ?? 'No runbooks here.') : null,
    pager: pager(input.verb, input.data, input.page, totalPages),
    actions: [{ title: '☰ Menu', verb: Verb.menu, data: {} }],
  });
}

/** Runbooks listed on a welcome card; the rest are a click away in the menu. */
export const MAX_WELCOME_RUNBOOKS = 6;

export interface WelcomeInput {
  placeName: string;
  kind: PlaceKind;
  /** Runbooks tagged for this kind of place (e.g. `incident` for inc-* channels). */
  runbooks: readonly RunbookDefinition[];
  /** Runbooks in the whole catalog. */
  total: number;
}

export function welcomeCard(input: WelcomeInput): AdaptiveCard {
  const here = input.kind === 'personal' ? 'this chat' : input.kind === 'channel' ? `#${input.placeName}` : input.placeName;
  const shown = input.runbooks.slice(0, MAX_WELCOME_RUNBOOKS);
  const notShown = input.runbooks.length - shown.length;
  return renderCard('welcome', {
    intro: `Hi ${input.kind === 'personal' ? 'there' : input.placeName}! I run runbooks from ${here}: pick one, fill in its form, and watch one card follow the job from start to finish. ${plural(input.total, 'runbook')} are in the catalog.`,
    howTo: `Type help for commands, search disk to find a runbook, or run followed by a runbook name to start one.${input.kind === 'personal' ? '' : ' @mention me first.'}`,
    listTitle: `Runbooks for ${here}`,
    items: shown.map((r) => runbookItem(r, runbookMeta(r))),
    more: notShown > 0 ? `${plural(notShown, 'more runbook')} for ${here}: open the menu to see them all.` : null,
  });
}

/** Runbook names listed on the help card before "and N more". */
export const MAX_HELP_RUNBOOKS = 40;

export interface HelpInput {
  commands: readonly HelpCommand[];
  runbooks?: readonly RunbookDefinition[];
}

export interface HelpCommand {
  usage: string;
  description: string;
}

/**
 * Help cards differ only by the commands and the runbook names shown, which are the same for
 * most people (everyone who sees the same runbooks): a few dozen distinct cards at most.
 */
const helpCards = new RenderCache(64);

/**
 * The policy hands out one frozen list per set of visible runbooks, and help passes one constant
 * command list, so most help requests can find their card by those two identities, without
 * building and hashing the text key below (about a third of a help's own CPU in the P1 bench).
 */
const helpCardsByList = new WeakMap<readonly RunbookDefinition[], { commands: readonly HelpCommand[]; card: AdaptiveCard }>();

export function helpCard(input: HelpInput): AdaptiveCard {
  const runbooks = input.runbooks ?? [];
  const known = helpCardsByList.get(runbooks);
  if (known?.commands === input.commands) return known.card;
  const card = renderHelpCard(input.commands, runbooks);
  // Only a frozen list is sure to show the same runbooks next time.
  if (Object.isFrozen(runbooks)) helpCardsByList.set(runbooks, { commands: input.commands, card });
  return card;
}

function renderHelpCard(commands: readonly HelpCommand[], runbooks: readonly RunbookDefinition[]): AdaptiveCard {
  const names = runbooks.slice(0, MAX_HELP_RUNBOOKS).map((r) => r.name).join(', ');
  const rest = runbooks.length - MAX_HELP_RUNBOOKS;
  const runbooksText = runbooks.length > 0 ? names + (rest > 0 ? ` and ${rest} more: open the menu or search.` : '') : null;
  return helpCards.get(JSON.stringify([commands, runbooksText]), () =>
    renderCard('help', {
      commands: table(['Command', 'What it does'], commands.map((c) => [c.usage, c.description]), [2, 3]),
      runbooks: runbooksText,
    }),
  );
}

/** Parameters listed in a runbook's help table; a longer param() block is summarised. */
export const MAX_HELP_PARAMETERS = 30;
const MAX_EXAMPLES = 5;

export function runbookHelpCard(input: { runbook: RunbookDefinition }): AdaptiveCard {
  const { runbook } = input;
  const facts = [
    { title: 'Category', value: runbook.category },
    { title: 'Runs on', value: targetLabel(runbook.target) },
    { title: 'Times out after', value: formatDuration(runbook.timeoutSeconds * 1000) },
    ...(runbook.tags.length > 0 ? [{ title: 'Tags', value: clip(runbook.tags.join(', '), 200) }] : []),
    ...(runbook.owner ? [{ title: 'Owner', value: runbook.owner }] : []),
  ];
  const parameters = runbook.parameters.slice(0, MAX_HELP_PARAMETERS);
  const hiddenParameters = runbook.parameters.length - parameters.length;
  // Long descriptions, parameter details and examples shorten together until the card fits.
  return fitToBudget((scale) => {
    const parameterTable: CardElement | null =
      parameters.length === 0
        ? null
        : {
            type: 'Container',
            items: [
              table(
                ['Parameter', 'Type', 'Required', 'Details'],
                parameters.map((p) => [
                  p.name,
                  p.secret && p.type !== 'credential' ? 'secret' : p.type,
                  p.required ? 'yes' : 'no',
                  clip(parameterDetails(p), Math.max(60, Math.floor(240 * scale))),
                ]),
                [2, 1, 1, 4],
              ),
              ...(hiddenParameters > 0 ? [note(`${plural(hiddenParameters, 'more parameter')}: the form shows them all.`)] : []),
            ],
          };
    return renderCard('runbook-help', {
      name: runbook.name,
      synopsis: runbook.synopsis || 'No synopsis yet: add .SYNOPSIS to the script help.',
      facts,
      description:
        runbook.description && runbook.description !== runbook.synopsis && scale > 0 ? clip(runbook.description, Math.floor(1500 * scale)) : null,
      parameters: parameterTable,
      examples: runbook.examples.slice(0, Math.ceil(MAX_EXAMPLES * scale)).map((e) => clip(e, Math.max(80, Math.floor(500 * scale)))),
      runExample: runCommandExample(runbook),
    });
  });
}

/** Changes listed on the "what's new" card. */
export const MAX_CHANGES = 15;

const CHANGE_LABEL: Record<CatalogChange['change'], string> = { added: '🆕 Added', changed: '✏️ Changed', removed: '🗑️ Removed' };

export function whatsNewCard(input: { changes: CatalogChange[]; since: string }): AdaptiveCard {
  const shown = input.changes.slice(0, MAX_CHANGES);
  const rest = input.changes.length - shown.length;
  return renderCard('list', {
    title: "🆕 What's new",
    summary:
      input.changes.length === 0
        ? `Nothing changed since ${localTime(input.since)}.`
        : `${plural(input.changes.length, 'change')} since ${localTime(input.since)}.`,
    rows: shown.map((c) =>
      runbookItem(c, `${CHANGE_LABEL[c.change]} ${localTime(c.at)} · ${c.category}`, c.change !== 'removed'),
    ),
    more: rest > 0 ? `${plural(rest, 'older change')} not shown: ask for a later date, e.g. new since 2025-01-31.` : null,
    pager: null,
    actions: [{ title: '☰ Menu', verb: Verb.menu, data: {} }],
  });
}
