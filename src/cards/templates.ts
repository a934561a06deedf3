/**
 * The card templates in `cards/` (JSON, bound with adaptivecards-templating). They are read and
 * compiled once when this module loads, so a missing or malformed template stops the bot at
 * startup instead of at the first click, and rendering never touches the disk.
 *
 * Convention shared by all templates: every binding in a template is present in the data, and a
 * value that should be absent is bound to `null`; nulls are removed after expansion. (The
 * templating library leaves a binding to an undefined field as the literal `${...}` text, so an
 * optional property cannot simply be left out of the data.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';
import type { AdaptiveCard } from '../domain/message.js';

export type CardTemplateName =
  | 'main-menu'
  | 'list'
  | 'runbook-form'
  | 'job'
  | 'full-output'
  | 'welcome'
  | 'help'
  | 'runbook-help'
  | 'friction-form'
  | 'approval'
  | 'message';

/** Fragments shared by several cards, expanded on their own and embedded as elements. */
export type PartTemplateName = 'parts/runbook-item' | 'parts/row' | 'parts/pager' | 'parts/output-text' | 'parts/table';

type TemplateName = CardTemplateName | PartTemplateName;

/**
 * The folder holding the templates: `cards/` at the package root, found by walking up from
 * `startDir` to the nearest package.json. From src/cards (tsx) and dist/cards (compiled) alike
 * that is the repository root.
 */
export function cardsFolderFrom(startDir: string): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'cards');
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the package root (package.json) above ${startDir}`);
  }
}

/** The templates folder of this installation. */
export function cardsFolder(): string {
  return cardsFolderFrom(path.dirname(fileURLToPath(import.meta.url)));
}

function loadTemplates(folder: string): Map<string, ACData.Template> {
  const templates = new Map<string, ACData.Template>();
  for (const sub of ['', 'parts']) {
    for (const file of readdirSync(path.join(folder, sub)).filter((f) => f.endsWith('.json'))) {
      const name = path.posix.join(sub, file.slice(0, -'.json'.length));
      const source = path.join(folder, sub, file);
      try {
        templates.set(name, new ACData.Template(JSON.parse(readFileSync(source, 'utf8'))));
      } catch (error) {
        throw new Error(`Card template ${source} is not valid JSON: ${(error as Error).message}`);
      }
    }
  }
  return templates;
}

const templates = loadTemplates(cardsFolder());

/** Removes null properties and null array entries: the "absent" marker of the convention above. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

function expand(name: TemplateName, data: object): unknown {
  const template = templates.get(name);
  if (!template) throw new Error(`No card template named ${name} in ${cardsFolder()}`);
  return withoutNulls(template.expand({ $root: data }));
}

/** Binds a card template. `data` is the template's view model (see the convention above). */
export function renderCard(name: CardTemplateName, data: object): AdaptiveCard {
  return expand(name, data) as AdaptiveCard;
}

/** Binds a fragment template; the result is an element to embed in a card's view model. */
export function renderPart(name: PartTemplateName, data: object): Record<string, unknown> {
  return expand(name, data) as Record<string, unknown>;
}
