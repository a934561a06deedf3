/**
 * The declared constraints ([ValidateSet], [ValidatePattern], [ValidateRange], [ValidateLength],
 * [ValidateNotNullOrEmpty]) and the character rules, applied to a value already converted to its
 * type. List parameters are checked item by item, as PowerShell does.
 */
import type { ParameterDefinition, ParameterValue, RunbookLanguage } from '../domain/runbook.js';
import { compilePattern, PATTERN_INPUT_MAX } from './pattern.js';
import { unsafeCharacterReason } from './text-safety.js';

export type Checked = { ok: true; value: ParameterValue } | { ok: false; problem: string; definitionProblem?: boolean };

const TEXT_TYPES = new Set(['string', 'string[]', 'secret', 'credential']);

/** Checks one scalar (a value, or one item of a list); may replace it by the canonical choice. */
function checkItem(
  parameter: ParameterDefinition,
  language: RunbookLanguage,
  item: string | number | boolean,
): Checked {
  if (typeof item === 'string') {
    const unsafe = unsafeCharacterReason(item);
    if (unsafe) return { ok: false, problem: unsafe };
  }
  if (typeof item === 'number') {
    if (parameter.min !== undefined && item < parameter.min) return { ok: false, problem: `is less than ${parameter.min}` };
    if (parameter.max !== undefined && item > parameter.max) return { ok: false, problem: `is more than ${parameter.max}` };
  }
  let value = item;
  if (parameter.choices?.length) {
    const wanted = String(item).trim().toLowerCase();
    const choice = parameter.choices.find((c) => c.toLowerCase() === wanted);
    if (choice === undefined) return { ok: false, problem: 'is not one of the allowed values' };
    if (typeof item === 'string') value = choice;
  }
  if (typeof value === 'string' && TEXT_TYPES.has(parameter.type)) {
    if (parameter.notEmpty && value.trim() === '') return { ok: false, problem: 'must not be empty or blank' };
    if (parameter.minLength !== undefined && value.length < parameter.minLength)
      return { ok: false, problem: `is ${value.length} characters long, shorter than the minimum of ${parameter.minLength}` };
    if (parameter.maxLength !== undefined && value.length > parameter.maxLength)
      return { ok: false, problem: `is ${value.length} characters long, longer than the maximum of ${parameter.maxLength}` };
  }
  if (parameter.pattern && typeof value !== 'boolean') {
    const compiled = compilePattern(parameter.pattern, language);
    if (!compiled.ok) return { ok: false, problem: `cannot be checked: ${compiled.reason}`, definitionProblem: true };
    const text = String(value);
    if (text.length > PATTERN_INPUT_MAX)
      return { ok: false, problem: `is longer than ${PATTERN_INPUT_MAX} characters, the most that is checked against its pattern` };
    if (!compiled.regex.test(text))
      return { ok: false, problem: parameter.patternMessage ? `is not valid (${parameter.patternMessage})` : `does not match the pattern ${parameter.pattern}` };
  }
  return { ok: true, value };
}

export function checkRules(parameter: ParameterDefinition, language: RunbookLanguage, value: ParameterValue): Checked {
  if (!Array.isArray(value)) return checkItem(parameter, language, value);
  const items: string[] = [];
  for (const [index, item] of value.entries()) {
    const checked = checkItem(parameter, language, item);
    if (!checked.ok) return { ...checked, problem: `has an item (number ${index + 1}) that ${checked.problem}` };
    items.push(String(checked.value));
  }
  return { ok: true, value: items };
}
