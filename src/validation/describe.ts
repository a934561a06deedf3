/**
 * How parameters are named and explained in answers to the user. Every validation message says
 * which parameter, what it expects and gives an example, so the wording lives in one place.
 */
import type { ParameterDefinition, RunbookDefinition } from '../domain/runbook.js';
import { printable } from './text-safety.js';

/** The name as the user types it: `-Server` for PowerShell, the declared flag for Python. */
export function displayName(runbook: RunbookDefinition, parameter: ParameterDefinition): string {
  if (parameter.flag) return parameter.flag;
  return runbook.language === 'powershell' ? `-${parameter.name}` : parameter.name;
}

function rangeText(parameter: ParameterDefinition): string {
  const { min, max } = parameter;
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

function lengthText(parameter: ParameterDefinition): string {
  const { minLength, maxLength } = parameter;
  if (minLength !== undefined && maxLength !== undefined) return `${minLength} to ${maxLength} characters`;
  if (minLength !== undefined) return `at least ${minLength} characters`;
  if (maxLength !== undefined) return `at most ${maxLength} characters`;
  return '';
}

/** What a valid value looks like, in words. */
export function expectedText(parameter: ParameterDefinition): string {
  if (parameter.choices?.length) return `one of: ${parameter.choices.join(', ')}`;
  switch (parameter.type) {
    case 'int':
      return `a whole number${rangeText(parameter)}`;
    case 'number':
      return `a number${rangeText(parameter)}`;
    case 'bool':
    case 'switch':
      return 'true or false';
    case 'datetime':
      return 'a date or date and time in ISO 8601 form';
    case 'string[]':
      return 'one or more values separated by commas or new lines';
    case 'secret':
      return 'a secret value (it is never shown or stored)';
    case 'credential':
      return 'a user name and a password (never shown or stored)';
    default: {
      const parts = [parameter.patternMessage, lengthText(parameter)].filter(Boolean);
      return parts.length ? `text: ${parts.join(', ')}` : 'text';
    }
  }
}

function numericExample(parameter: ParameterDefinition, whole: boolean): string {
  const { min, max } = parameter;
  if (min !== undefined && max !== undefined) return String(whole ? Math.ceil((min + max) / 2) : (min + max) / 2);
  if (min !== undefined) return String(min);
  if (max !== undefined) return String(whole ? Math.min(max, 1) : Math.min(max, 1.5));
  return whole ? '5' : '2.5';
}

/**
 * A value that would be accepted, or undefined when none can be derived (a free pattern without
 * a default). Defaults and choices are preferred because they are known to be valid.
 */
export function exampleValue(parameter: ParameterDefinition): string | undefined {
  if (parameter.choices?.length) return parameter.choices[0];
  if (parameter.default !== undefined && !parameter.secret && parameter.type !== 'switch') {
    return Array.isArray(parameter.default) ? parameter.default.join(', ') : String(parameter.default);
  }
  switch (parameter.type) {
    case 'int':
      return numericExample(parameter, true);
    case 'number':
      return numericExample(parameter, false);
    case 'bool':
    case 'switch':
      return 'true';
    case 'datetime':
      return '2025-03-31T14:30:00Z';
    case 'string[]':
      return 'web01, web02';
    case 'secret':
    case 'credential':
      return undefined;
    default:
      if (parameter.pattern) return undefined;
      if (parameter.minLength !== undefined && parameter.minLength > 7) return 'x'.repeat(parameter.minLength);
      return 'example';
  }
}

/** Quotes what the user sent, shortened, and never for secret parameters. */
export function quoteReceived(parameter: ParameterDefinition, value: unknown): string {
  if (parameter.secret || parameter.type === 'secret' || parameter.type === 'credential') return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const visible = printable(text);
  const short = visible.length > 40 ? `${visible.slice(0, 40)}…` : visible;
  return `; got "${short}"`;
}
