/**
 * Converts one raw value (text from a command or card input, or a JSON boolean/number) into the
 * parameter's type. Text values are kept verbatim: a value that passes reaches the script
 * exactly as sent, never trimmed or reinterpreted (list items are the exception: the separator
 * spaces in "web01, web02" are not part of the items).
 */
import type { ParameterDefinition, ParameterValue } from '../domain/runbook.js';

export type Coerced = { ok: true; value: ParameterValue } | { ok: false; problem: string };

const TRUE_WORDS = new Set(['true', '$true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '$false', '0', 'no', 'off']);
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function fail(problem: string): Coerced {
  return { ok: false, problem };
}

function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return undefined;
}

function toInteger(raw: unknown): Coerced {
  if (typeof raw === 'number') {
    return Number.isSafeInteger(raw) ? { ok: true, value: raw } : fail('is not a whole number');
  }
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !INTEGER.test(text)) return fail('is not a whole number');
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return fail('is too large');
  return { ok: true, value };
}

function toNumber(raw: unknown): Coerced {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : fail('is not a number');
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined || !DECIMAL.test(text)) return fail('is not a number');
  const value = Number(text);
  return Number.isFinite(value) ? { ok: true, value } : fail('is too large');
}

function toBoolean(raw: unknown): Coerced {
  if (typeof raw === 'boolean') return { ok: true, value: raw };
  const word = scalarText(raw)?.trim().toLowerCase();
  if (word !== undefined && TRUE_WORDS.has(word)) return { ok: true, value: true };
  if (word !== undefined && FALSE_WORDS.has(word)) return { ok: true, value: false };
  return fail('is not true or false');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function toDateTime(raw: unknown): Coerced {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const match = text === undefined ? null : ISO_DATE_TIME.exec(text);
  if (!text || !match) return fail('is not an ISO 8601 date');
  const [year, month, day, hour = '0', minute = '0', second = '0'] = match.slice(1, 7);
  const y = Number(year);
  const m = Number(month);
  const valid =
    m >= 1 &&
    m <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth(y, m) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60;
  if (!valid) return fail('is not a real calendar date and time');
  return { ok: true, value: text.replace(' ', 'T') };
}

function toList(raw: unknown): Coerced {
  let items: string[];
  if (Array.isArray(raw)) {
    const texts = raw.map(scalarText);
    if (texts.some((t) => t === undefined)) return fail('contains an item that is not text');
    items = texts as string[];
  } else if (typeof raw === 'string') {
    items = raw.includes('\n') ? raw.split(/\r?\n/) : raw.split(',');
  } else {
    const text = scalarText(raw);
    if (text === undefined) return fail('is not a list of values');
    items = [text];
  }
  return { ok: true, value: items.map((item) => item.trim()).filter((item) => item !== '') };
}

/**
 * A credential is a user name and a password. Forms send `{ userName, password }`; it is kept as
 * the pair [userName, password] (ParameterValue has no objects) and masked as a whole.
 */
function toCredential(raw: unknown): Coerced {
  const pair = Array.isArray(raw)
    ? { userName: raw[0], password: raw[1] }
    : raw && typeof raw === 'object'
      ? (raw as Record<string, unknown>)
      : undefined;
  if (!pair) return fail('needs a user name and a password; enter them in the form, not as text');
  const { userName, password } = pair;
  if (typeof userName !== 'string' || userName.trim() === '') return fail('needs a user name');
  if (typeof password !== 'string' || password === '') return fail('needs a password');
  return { ok: true, value: [userName, password] };
}

function toText(raw: unknown): Coerced {
  if (Array.isArray(raw)) return fail('is a list, but only one value is allowed');
  const text = scalarText(raw);
  return text === undefined ? fail('is not text') : { ok: true, value: text };
}

export function coerce(parameter: ParameterDefinition, raw: unknown): Coerced {
  switch (parameter.type) {
    case 'int':
      return toInteger(raw);
    case 'number':
      return toNumber(raw);
    case 'bool':
    case 'switch':
      return toBoolean(raw);
    case 'datetime':
      return toDateTime(raw);
    case 'string[]':
      return toList(raw);
    case 'credential':
      return toCredential(raw);
    default:
      return toText(raw);
  }
}
