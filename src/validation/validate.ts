/**
 * Server-side validation of every run request, whatever it came from (a card form, a text
 * command): the only gate between what a user sent and what a script receives. Values are
 * converted to the declared types, checked against every declared constraint, and the answer to
 * a mistake names the parameter, what was expected and an example.
 */
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import { coerce } from './coerce.js';
import { displayName, exampleValue, expectedText, quoteReceived } from './describe.js';
import { checkRules } from './rules.js';
import { printable } from './text-safety.js';

export interface ValidationIssue {
  /** The parameter's declared name, the name the user sent when it is unknown, or '*' for the whole request. */
  parameter: string;
  /** A complete sentence for the user: what is wrong, what was expected, an example. */
  message: string;
  expected?: string;
  example?: string;
}

export type ValidationResult =
  | { ok: true; values: Record<string, ParameterValue> }
  | { ok: false; issues: ValidationIssue[] };

/** Upper bound of all values of one request together (UTF-8 bytes). */
export const MAX_REQUEST_BYTES = 32 * 1024;

function byteSize(raw: Record<string, unknown>): number {
  let total = 0;
  for (const [key, value] of Object.entries(raw)) {
    total += Buffer.byteLength(key);
    if (typeof value === 'string') total += Buffer.byteLength(value);
    else if (value !== undefined) total += Buffer.byteLength(JSON.stringify(value) ?? '');
  }
  return total;
}

/** Finds a parameter by name, alias or flag, case-insensitively; leading dashes are ignored. */
export function findParameter(runbook: RunbookDefinition, key: string): ParameterDefinition | undefined {
  const wanted = key.replace(/^-{1,2}/, '').toLowerCase();
  return runbook.parameters.find(
    (p) =>
      p.name.toLowerCase() === wanted ||
      p.aliases?.some((alias) => alias.toLowerCase() === wanted) ||
      p.flag?.replace(/^-{1,2}/, '').toLowerCase() === wanted,
  );
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function issueFor(runbook: RunbookDefinition, parameter: ParameterDefinition, problem: string, received?: unknown): ValidationIssue {
  const name = displayName(runbook, parameter);
  const expected = expectedText(parameter);
  const example = exampleValue(parameter);
  const got = received === undefined ? '' : quoteReceived(parameter, received);
  const hint = example === undefined ? `Expected ${expected}.` : `Expected ${expected}, e.g. ${name} ${example}.`;
  return { parameter: parameter.name, message: `${name} ${problem}${got}. ${hint}`, expected, example };
}

function unknownParameterIssue(runbook: RunbookDefinition, key: string): ValidationIssue {
  const names = runbook.parameters.map((p) => displayName(runbook, p));
  const shown = printable(key).slice(0, 60);
  const known = names.length ? `its parameters are ${names.join(', ')}` : 'it takes no parameters';
  return {
    parameter: shown,
    message: `${shown} is not a parameter of ${runbook.name}; ${known}.`,
    expected: names.length ? names.join(', ') : 'no parameters',
  };
}

/** Value for a parameter nobody gave: its literal default, false for a switch, or nothing. */
function defaultFor(parameter: ParameterDefinition): ParameterValue | undefined {
  if (parameter.default !== undefined) return parameter.default;
  return parameter.type === 'switch' ? false : undefined;
}

export function validateValues(runbook: RunbookDefinition, raw: Record<string, unknown>): ValidationResult {
  const size = byteSize(raw);
  if (size > MAX_REQUEST_BYTES) {
    return {
      ok: false,
      issues: [
        {
          parameter: '*',
          message: `The values are ${Math.ceil(size / 1024)} KB together; the limit is ${MAX_REQUEST_BYTES / 1024} KB. Pass large data by reference instead, e.g. a file path or URL.`,
          expected: `at most ${MAX_REQUEST_BYTES / 1024} KB of values`,
        },
      ],
    };
  }

  const issues: ValidationIssue[] = [];
  const given = new Map<ParameterDefinition, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const parameter = findParameter(runbook, key);
    if (!parameter) {
      issues.push(unknownParameterIssue(runbook, key));
      continue;
    }
    const previous = given.get(parameter);
    if (!isAbsent(previous) && !isAbsent(value))
      issues.push(issueFor(runbook, parameter, 'was given twice (by name and by alias); give it once'));
    else if (isAbsent(previous)) given.set(parameter, value);
  }

  const values: Record<string, ParameterValue> = {};
  for (const parameter of runbook.parameters) {
    const received = given.get(parameter);
    const coerced = isAbsent(received) ? undefined : coerce(parameter, received);
    if (coerced && !coerced.ok) {
      issues.push(issueFor(runbook, parameter, coerced.problem, received));
      continue;
    }
    const value = coerced && !isAbsent(coerced.value) ? coerced.value : undefined;
    if (value === undefined) {
      const fallback = defaultFor(parameter);
      if (fallback !== undefined) values[parameter.name] = fallback;
      else if (parameter.required) issues.push(issueFor(runbook, parameter, 'is required'));
      continue;
    }
    const checked = checkRules(parameter, runbook.language, value);
    if (checked.ok) values[parameter.name] = checked.value;
    else issues.push(issueFor(runbook, parameter, checked.problem, checked.definitionProblem ? undefined : received));
  }
  return issues.length ? { ok: false, issues } : { ok: true, values };
}
