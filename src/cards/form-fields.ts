/**
 * How a runbook parameter appears on a form and in help: which input it becomes, what example
 * and constraints are shown, and which message appears when a value does not fit. Everything is
 * derived from the ParameterDefinition the catalog parsed out of the script.
 */
import RandExpModule from 'randexp';
import { SECRET_MASK } from '../domain/job.js';
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import { clip } from './format.js';
import { PARAM_INPUT_PREFIX } from './verbs.js';

// randexp's CommonJS entry exports the class itself, while its typings declare an ES default export.
const RandExp = RandExpModule as unknown as typeof RandExpModule.default;

/** Second input of a datetime parameter: `p.<Name>.time`. */
export const TIME_INPUT_SUFFIX = '.time';
/** User name input of a credential parameter: `p.<Name>.user` (the password input is `p.<Name>`). */
export const CREDENTIAL_USER_SUFFIX = '.user';

export function parameterInputId(name: string): string {
  return PARAM_INPUT_PREFIX + name;
}

export type FieldKind = 'text' | 'lines' | 'secret' | 'credential' | 'choice' | 'multichoice' | 'toggle' | 'number' | 'datetime';

export function fieldKind(p: ParameterDefinition): FieldKind {
  if (p.type === 'credential') return 'credential';
  if (p.secret || p.type === 'secret') return 'secret';
  if (p.type === 'switch' || p.type === 'bool') return 'toggle';
  if (p.type === 'string[]') return p.choices?.length ? 'multichoice' : 'lines';
  if (p.choices?.length) return 'choice';
  if (p.type === 'int' || p.type === 'number') return 'number';
  if (p.type === 'datetime') return 'datetime';
  return 'text';
}

function isSecret(p: ParameterDefinition): boolean {
  return p.secret || p.type === 'secret' || p.type === 'credential';
}

/** PowerShell's [ValidatePattern] matches case-insensitively by default; other sources do not. */
export function patternIgnoresCase(runbook: Pick<RunbookDefinition, 'language'>): boolean {
  return runbook.language === 'powershell';
}

function compile(pattern: string, ignoreCase: boolean): RegExp | undefined {
  try {
    return new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch {
    return undefined;
  }
}

/** True when the pattern has letters outside escapes (\d, \w, ...), so case changes what it accepts. */
function caseMatters(pattern: string): boolean {
  return /[A-Za-z]/.test(pattern.replace(/\\./g, ''));
}

/**
 * The pattern for the card's client-side check, or null when the client cannot check it the way
 * the server does: .NET syntax JavaScript does not understand, or a case-insensitive pattern
 * whose letters a case-sensitive card regex would enforce too strictly. The server always checks.
 */
export function clientRegex(runbook: RunbookDefinition, p: ParameterDefinition): string | null {
  if (!p.pattern || !compile(p.pattern, false)) return null;
  if (patternIgnoresCase(runbook) && caseMatters(p.pattern)) return null;
  return p.pattern;
}

function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0;
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_EXAMPLE_CHARS = 40;

/**
 * A value generated from the pattern, the same every time for the same pattern (so cards and
 * tests are stable), from letters and digits where the pattern leaves the choice open.
 */
function exampleFromPattern(pattern: string, ignoreCase: boolean): string | undefined {
  const check = compile(pattern, ignoreCase);
  if (!check) return undefined;
  try {
    const generator = new RandExp(pattern);
    const random = seededRandom(pattern);
    generator.max = 3;
    generator.randInt = (a: number, b: number) => a + Math.floor(random() * (b - a + 1));
    generator.defaultRange.subtract(32, 47).subtract(58, 64).subtract(91, 96).subtract(123, 126);
    const example = generator.gen();
    return example.trim() !== '' && example.length <= MAX_EXAMPLE_CHARS && check.test(example) ? example : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/** The value a runbook's own .EXAMPLE text passes for this parameter (`-Server web01`, `--path /var`). */
function valueFromExamples(runbook: RunbookDefinition, p: ParameterDefinition): string | undefined {
  const names = [`-${p.name}`, ...(p.aliases ?? []).map((a) => `-${a}`), ...(p.flag ? [p.flag] : [])];
  for (const example of runbook.examples) {
    for (const name of names) {
      const match = new RegExp(`(?:^|\\s)${escapeRegex(name)}(?:[:=]|\\s+)("[^"]*"|'[^']*'|[^\\s"'-][^\\s]*)`, 'i').exec(example);
      if (match) return unquote(match[1]);
    }
  }
  return undefined;
}

function fits(runbook: RunbookDefinition, p: ParameterDefinition, value: string): boolean {
  if (value === '' || value === SECRET_MASK) return false;
  if (p.choices?.length && !p.choices.includes(value)) return false;
  const regex = p.pattern ? compile(p.pattern, patternIgnoresCase(runbook)) : undefined;
  return !regex || regex.test(value);
}

/**
 * An example value a reader can copy, in order of trust: the runbook's own examples, its default,
 * its first choice, one generated from its pattern, a number within its range. Never for secrets.
 */
export function exampleValue(runbook: RunbookDefinition, p: ParameterDefinition): string | undefined {
  if (isSecret(p) || p.type === 'switch' || p.type === 'bool') return undefined;
  const candidates = [
    valueFromExamples(runbook, p),
    p.default === undefined ? undefined : Array.isArray(p.default) ? p.default.join(',') : String(p.default),
    p.choices?.[0],
  ];
  for (const candidate of candidates) if (candidate !== undefined && fits(runbook, p, candidate)) return candidate;
  if (p.pattern) return exampleFromPattern(p.pattern, patternIgnoresCase(runbook));
  if (p.type === 'int' || p.type === 'number') return String(p.min ?? p.max ?? 1);
  return undefined;
}

function rangeText(p: ParameterDefinition): string | undefined {
  if (p.min !== undefined && p.max !== undefined) return `between ${p.min} and ${p.max}`;
  if (p.min !== undefined) return `at least ${p.min}`;
  if (p.max !== undefined) return `at most ${p.max}`;
  return undefined;
}

function lengthText(p: ParameterDefinition): string | undefined {
  if (p.minLength !== undefined && p.maxLength !== undefined) return `${p.minLength}–${p.maxLength} characters`;
  if (p.minLength !== undefined) return `at least ${p.minLength} characters`;
  if (p.maxLength !== undefined) return `at most ${p.maxLength} characters`;
  return undefined;
}

function numberText(p: ParameterDefinition): string {
  return [p.type === 'int' ? 'a whole number' : 'a number', rangeText(p)].filter(Boolean).join(' ');
}

/** Constraints in words, for help tables and form hints. */
function constraintPhrases(p: ParameterDefinition): string[] {
  const phrases: (string | undefined)[] = [
    p.type === 'int' || p.type === 'number' ? numberText(p) : undefined,
    lengthText(p),
    p.pattern ? (p.patternMessage ?? `format ${p.pattern}`) : undefined,
    p.type === 'string[]' && !p.choices?.length ? 'one value per line' : undefined,
    p.type === 'datetime' ? 'a date, optionally with a time (UTC)' : undefined,
    isSecret(p) ? 'secret: masked everywhere and never stored' : undefined,
  ];
  return phrases.filter((x): x is string => x !== undefined);
}

/** Everything about a parameter in one line, for the runbook help table. */
export function parameterDetails(p: ParameterDefinition): string {
  const parts = [
    p.help,
    ...constraintPhrases(p),
    p.choices?.length ? `one of: ${p.choices.join(', ')}` : undefined,
    p.default !== undefined && !isSecret(p) ? `default: ${Array.isArray(p.default) ? p.default.join(', ') : String(p.default)}` : undefined,
    p.aliases?.length ? `aliases: ${p.aliases.join(', ')}` : undefined,
  ];
  return parts.filter((x) => x !== undefined && x !== '').join(' · ') || '—';
}

/** Longest help line under an input at full allowance. */
export const MAX_HINT_CHARS = 300;

/**
 * The help line under an input: the author's help plus the constraints the input does not show,
 * cut to `maxChars` (forms of runbooks with very many parameters shorten their hints to fit).
 */
function hint(runbook: RunbookDefinition, p: ParameterDefinition, kind: FieldKind, maxChars: number): string | null {
  const example = exampleValue(runbook, p);
  const parts = [
    kind === 'toggle' ? undefined : p.help,
    ...constraintPhrases(p),
    p.pattern && example !== undefined ? `e.g. ${example}` : undefined,
  ];
  const text = parts.filter((x) => x !== undefined && x !== '').join(' · ');
  return text === '' || maxChars === 0 ? null : clip(text, maxChars);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * The message an input shows when its value is refused on the client (missing, not matching the
 * pattern, out of range): what is expected and an example.
 */
function errorMessage(runbook: RunbookDefinition, p: ParameterDefinition, kind: FieldKind): string | null {
  const example = exampleValue(runbook, p);
  const sentences: string[] = [];
  if (p.required) sentences.push(kind === 'choice' || kind === 'multichoice' ? `Pick a value for ${p.name}.` : `${p.name} is required.`);
  if (kind === 'number') sentences.push(`${p.name} must be ${numberText(p)}.`);
  if (p.pattern && kind === 'text') sentences.push(sentence(p.patternMessage ?? `${p.name} must match the pattern ${p.pattern}`));
  const length = kind === 'text' || kind === 'secret' ? lengthText(p) : undefined;
  if (length) sentences.push(`${p.name} must be ${length}.`);
  if (kind === 'datetime') sentences.push(`${p.name} needs a date, e.g. 2025-01-31.`);
  if (sentences.length === 0) return null;
  if (example !== undefined && kind !== 'choice' && kind !== 'multichoice') sentences.push(`Example: ${example}`);
  return sentences.join(' ');
}

function isMasked(value: ParameterValue): boolean {
  return Array.isArray(value) ? value.includes(SECRET_MASK) : value === SECRET_MASK;
}

/** The value to show: the previous run's (run again) over the default. Secrets never come back. */
function initialValue(p: ParameterDefinition, prefill: Record<string, ParameterValue> | undefined): ParameterValue | undefined {
  if (isSecret(p)) return undefined;
  const value = prefill && Object.hasOwn(prefill, p.name) ? prefill[p.name] : p.default;
  return value === undefined || isMasked(value) ? undefined : value;
}

function isTrue(value: ParameterValue | undefined): boolean {
  return value === true || (typeof value === 'string' && /^(\$?true|1|yes)$/i.test(value));
}

const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?/;

/** Form field view model bound by cards/runbook-form.json (null = property absent). */
export interface FormField {
  kind: FieldKind;
  id: string;
  userId: string | null;
  timeId: string | null;
  label: string;
  passwordLabel: string;
  hint: string | null;
  error: string | null;
  isRequired: boolean;
  errorMessage: string | null;
  userErrorMessage: string | null;
  placeholder: string | null;
  value: string | number | null;
  timeValue: string | null;
  regex: string | null;
  maxLength: number | null;
  min: number | null;
  max: number | null;
  choices: { title: string; value: string }[];
  toggleTitle: string | null;
}

function fieldValue(kind: FieldKind, p: ParameterDefinition, value: ParameterValue | undefined): { value: string | number | null; timeValue: string | null } {
  const none = { value: null, timeValue: null };
  if (kind === 'toggle') return { value: isTrue(value) ? 'true' : 'false', timeValue: null };
  if (value === undefined) return none;
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  switch (kind) {
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) ? { value: n, timeValue: null } : none;
    }
    case 'datetime': {
      const match = ISO_DATE_TIME.exec(String(value));
      return match ? { value: match[1], timeValue: match[2] ?? null } : none;
    }
    case 'choice':
      return p.choices?.includes(values[0]) ? { value: values[0], timeValue: null } : none;
    case 'multichoice': {
      const chosen = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => p.choices?.includes(v));
      return chosen.length > 0 ? { value: chosen.join(','), timeValue: null } : none;
    }
    case 'lines':
      return { value: values.join('\n'), timeValue: null };
    default:
      return { value: values.join(','), timeValue: null };
  }
}

function placeholder(kind: FieldKind, example: string | undefined): string | null {
  if (kind === 'lines') return 'one value per line';
  if (kind === 'choice' || kind === 'multichoice') return 'Pick…';
  if (kind === 'secret' || kind === 'credential') return 'not shown, not stored';
  return example === undefined ? null : `e.g. ${example}`;
}

/** `scale` (0..1) shortens the help line when the whole form would not fit a card otherwise. */
export function formField(
  runbook: RunbookDefinition,
  p: ParameterDefinition,
  prefill: Record<string, ParameterValue> | undefined,
  error: string | undefined,
  scale = 1,
): FormField {
  const kind = fieldKind(p);
  const id = parameterInputId(p.name);
  const { value, timeValue } = fieldValue(kind, p, initialValue(p, prefill));
  return {
    kind,
    id,
    userId: kind === 'credential' ? id + CREDENTIAL_USER_SUFFIX : null,
    timeId: kind === 'datetime' ? id + TIME_INPUT_SUFFIX : null,
    label: p.name,
    passwordLabel: kind === 'credential' ? `${p.name}: password` : p.name,
    hint: hint(runbook, p, kind, Math.floor(MAX_HINT_CHARS * scale)),
    error: error ?? null,
    isRequired: p.required,
    errorMessage: errorMessage(runbook, p, kind),
    userErrorMessage: kind === 'credential' ? `${p.name} needs a user name, e.g. CONTOSO\\svc-deploy.` : null,
    placeholder: placeholder(kind, exampleValue(runbook, p)),
    value,
    timeValue,
    regex: kind === 'text' ? clientRegex(runbook, p) : null,
    maxLength: kind === 'text' || kind === 'secret' ? (p.maxLength ?? null) : null,
    min: kind === 'number' ? (p.min ?? null) : null,
    max: kind === 'number' ? (p.max ?? null) : null,
    choices: (p.choices ?? []).map((c) => ({ title: c, value: c })),
    toggleTitle: kind === 'toggle' ? clip(p.help || `Set ${p.name}`, Math.max(40, Math.floor(200 * scale))) : null,
  };
}

function quoteArgument(value: string): string {
  if (!/[\s"']/.test(value)) return value;
  return value.includes('"') ? `'${value.replace(/'/g, "''")}'` : `"${value}"`;
}

/**
 * A `run` command for the chat, with every required parameter. Secret parameters are left out
 * on purpose: typed into chat they would stay in the conversation history, so only the form takes them.
 */
export function runCommandExample(runbook: RunbookDefinition): string {
  const args = runbook.parameters
    .filter((p) => p.required && !isSecret(p))
    .map((p) => (p.type === 'switch' ? `-${p.name}` : `-${p.name} ${quoteArgument(exampleValue(runbook, p) ?? `<${p.name}>`)}`));
  const secrets = runbook.parameters.filter(isSecret).map((p) => p.name);
  const command = ['run', runbook.name, ...args].join(' ');
  return secrets.length > 0 ? `${command}\n# ${secrets.join(', ')}: secret, enter in the form (Run… button)` : command;
}
