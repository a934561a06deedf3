/**
 * Card checks shared by the card tests: Microsoft's `adaptivecards` library parses and validates
 * the card as a 1.5 host would, and a walk of the JSON makes sure nothing newer than Adaptive
 * Cards 1.5 (or not understood by Teams' Universal Actions) slipped in.
 */
import * as AC from 'adaptivecards';
import type { AdaptiveCard } from '../../src/domain/message.js';
import { Verb } from '../../src/cards/verbs.js';

/** Element, action and inline types defined by Adaptive Cards 1.0–1.5. */
const TYPES_UP_TO_1_5 = new Set([
  'AdaptiveCard',
  'TextBlock',
  'Image',
  'Media',
  'MediaSource',
  'RichTextBlock',
  'TextRun',
  'Container',
  'ColumnSet',
  'Column',
  'FactSet',
  'ImageSet',
  'ActionSet',
  'Table',
  'TableRow',
  'TableCell',
  'Input.Text',
  'Input.Number',
  'Input.Date',
  'Input.Time',
  'Input.Toggle',
  'Input.ChoiceSet',
  'Action.OpenUrl',
  'Action.Submit',
  'Action.ShowCard',
  'Action.ToggleVisibility',
  'Action.Execute',
]);

/** Every problem Microsoft's library reports while parsing and validating the card as 1.5. */
export function libraryErrors(card: AdaptiveCard): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of parsed.validateProperties().validationEvents) {
    problems.push(`validate ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return problems;
}

type Json = unknown;

function walk(value: Json, visit: (node: Record<string, unknown>, path: string) => void, path = '$'): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    visit(value as Record<string, unknown>, path);
    for (const [k, v] of Object.entries(value)) walk(v, visit, `${path}.${k}`);
  }
}

/** Structural problems: versions, types newer than 1.5, actions without a known verb, leftovers of templating. */
export function structureErrors(card: AdaptiveCard): string[] {
  const problems: string[] = [];
  const [major, minor] = String(card.version).split('.').map(Number);
  if (!(major === 1 && minor <= 5)) problems.push(`version ${card.version} is newer than 1.5`);
  const verbs = new Set<string>(Object.values(Verb));
  walk(card, (node, path) => {
    const type = node.type;
    if (typeof type === 'string' && !TYPES_UP_TO_1_5.has(type)) problems.push(`${path}: type ${type} is not part of Adaptive Cards ≤ 1.5`);
    if (type === 'Action.Submit') problems.push(`${path}: Action.Submit (use Action.Execute)`);
    if (type === 'Action.Execute') {
      if (typeof node.verb !== 'string' || !verbs.has(node.verb)) problems.push(`${path}: unknown verb ${String(node.verb)}`);
      if (typeof node.data !== 'object' || node.data === null) problems.push(`${path}: Action.Execute without data`);
    }
    if (type === 'AdaptiveCard' && path !== '$') problems.push(`${path}: nested card`);
  });
  const refresh = card.refresh as { userIds?: unknown[]; action?: { type?: string } } | undefined;
  if (refresh) {
    if (refresh.action?.type !== 'Action.Execute') problems.push('refresh without an Action.Execute');
    if (!Array.isArray(refresh.userIds)) problems.push('refresh without userIds (Teams then refreshes for every member)');
    else if (refresh.userIds.length > 60) problems.push(`refresh lists ${refresh.userIds.length} users (Teams honours 60)`);
  }
  // A binding the data did not provide stays as literal template text.
  const text = JSON.stringify(card);
  for (const match of text.matchAll(/"\$\{[^"}]*\}"/g)) problems.push(`unbound template expression ${match[0]}`);
  if (text.includes('"$when"') || text.includes('"$data"')) problems.push('template keywords left in the card');
  return problems;
}

/** All nodes of a given type, depth first. */
export function nodesOfType(card: AdaptiveCard, type: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  walk(card, (node) => {
    if (node.type === type) found.push(node);
  });
  return found;
}

/** The text a reader sees: every TextBlock / TextRun text and fact, joined. */
export function visibleText(card: AdaptiveCard): string {
  const parts: string[] = [];
  walk(card, (node) => {
    if ((node.type === 'TextBlock' || node.type === 'TextRun') && typeof node.text === 'string') parts.push(node.text);
    if (node.type === 'FactSet' && Array.isArray(node.facts)) {
      for (const fact of node.facts as { title: string; value: string }[]) parts.push(`${fact.title}: ${fact.value}`);
    }
  });
  return parts.join('\n');
}

/** Action.Execute actions anywhere in the card (body ActionSets and the action bar). */
export function executeActions(card: AdaptiveCard): { title: string; verb: string; data: Record<string, unknown> }[] {
  return nodesOfType(card, 'Action.Execute') as unknown as { title: string; verb: string; data: Record<string, unknown> }[];
}
