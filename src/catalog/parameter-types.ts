/**
 * Script type names → the ParameterType a form and the validator understand, and default values
 * coerced to that type. Shared by the PowerShell parser (type literals such as `[int]`) and the
 * shell-script convention (`.PARAMETER Port int`).
 */
import type { ParameterType, ParameterValue } from '../domain/runbook.js';

const TYPE_NAMES: Record<string, ParameterType> = {
  string: 'string', char: 'string', object: 'string', psobject: 'string',
  int: 'int', int16: 'int', int32: 'int', int64: 'int', long: 'int', short: 'int', byte: 'int',
  sbyte: 'int', uint: 'int', uint16: 'int', uint32: 'int', uint64: 'int', ulong: 'int', ushort: 'int',
  double: 'number', float: 'number', single: 'number', decimal: 'number', number: 'number',
  bool: 'bool', boolean: 'bool',
  switch: 'switch', switchparameter: 'switch',
  datetime: 'datetime',
  'string[]': 'string[]',
  securestring: 'secret', secret: 'secret',
  pscredential: 'credential', credential: 'credential',
};

export const SUPPORTED_TYPE_NAMES = 'string, int, long, double, bool, switch, datetime, string[], securestring, pscredential';

/** `System.Int32`, `[int]`, `Management.Automation.SwitchParameter` … → ParameterType. */
export function parameterTypeFromName(typeName: string): ParameterType | undefined {
  const bare = typeName
    .replace(/\s+/g, '')
    .toLowerCase()
    .replace(/^system\./, '')
    .replace(/^security\./, '')
    .replace(/^management\.automation\./, '');
  return TYPE_NAMES[bare];
}

/** A literal read from a script: a PowerShell or Python constant, or a list of them. */
export type Literal = string | number | boolean | null | Literal[];

export type Coerced = { value?: ParameterValue; problem?: string };

/** Converts a declared default to the parameter's type, or explains why it does not fit. */
export function coerceDefault(literal: Literal, type: ParameterType): Coerced {
  if (literal === null) return {};
  if (type === 'string[]') {
    const items = Array.isArray(literal) ? literal : [literal];
    if (items.some((item) => item === null || Array.isArray(item))) return { problem: 'a list default must hold plain values' };
    return { value: items.map(String) };
  }
  if (Array.isArray(literal)) return { problem: `a list default does not fit a ${type} parameter (use string[])` };
  switch (type) {
    case 'int':
    case 'number': {
      const number = typeof literal === 'number' ? literal : typeof literal === 'string' ? Number(literal.trim()) : NaN;
      if (typeof literal === 'string' && literal.trim() === '') return { problem: `default "" is not a number` };
      if (!Number.isFinite(number) || (type === 'int' && !Number.isInteger(number)))
        return { problem: `default ${JSON.stringify(literal)} is not ${type === 'int' ? 'a whole number' : 'a number'}` };
      return { value: number };
    }
    case 'bool':
    case 'switch':
      if (typeof literal === 'boolean') return { value: literal };
      if (literal === 0 || literal === 1) return { value: literal === 1 };
      return { problem: `default ${JSON.stringify(literal)} is not true or false` };
    case 'datetime':
      if (typeof literal === 'string' && !Number.isNaN(Date.parse(literal))) return { value: literal };
      return { problem: `default ${JSON.stringify(literal)} is not a date (example: 2024-05-01T08:00:00Z)` };
    default:
      return { value: String(literal) };
  }
}
