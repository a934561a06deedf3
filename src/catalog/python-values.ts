/**
 * Constant values in Python syntax trees: strings (prefixes, escapes, implicit concatenation),
 * numbers, True/False/None, negative numbers, lists and tuples. Anything else is an expression
 * the script evaluates itself: undefined here.
 */
import { childrenOf, namedChildrenOf, type SyntaxNode } from './grammars.js';
import type { Literal } from './parameter-types.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

export function pythonLiteral(node: SyntaxNode): Literal | undefined {
  switch (node.type) {
    case 'string':
      return pythonString(node);
    case 'concatenated_string': {
      const parts = namedChildrenOf(node).map(pythonString);
      return parts.some((p) => p === undefined) ? undefined : parts.join('');
    }
    case 'integer':
    case 'float': {
      const number = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(number) ? number : undefined;
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'unary_operator': {
      const operand = pythonLiteral(namedChildrenOf(node)[0]);
      const sign = node.child(0)?.type;
      if (typeof operand !== 'number' || (sign !== '-' && sign !== '+')) return undefined;
      return sign === '-' ? -operand : operand;
    }
    case 'parenthesized_expression': {
      const inner = namedChildrenOf(node);
      return inner.length === 1 ? pythonLiteral(inner[0]) : undefined;
    }
    case 'list':
    case 'tuple': {
      const items = namedChildrenOf(node).map(pythonLiteral);
      return items.some((i) => i === undefined) ? undefined : (items as Literal[]);
    }
    default:
      return undefined;
  }
}

/** A plain (non-interpolating) string's value. */
export function pythonString(node: SyntaxNode): string | undefined {
  if (node.type === 'concatenated_string') {
    const value = pythonLiteral(node);
    return typeof value === 'string' ? value : undefined;
  }
  if (node.type !== 'string') return undefined;
  const parts = childrenOf(node);
  const start = parts[0];
  const end = parts[parts.length - 1];
  if (start?.type !== 'string_start' || end?.type !== 'string_end') return undefined;
  if (parts.some((p) => p.type === 'interpolation')) return undefined;
  const prefix = start.text.replace(/["']+$/, '').toLowerCase();
  const body = node.text.slice(start.text.length, node.text.length - end.text.length);
  return prefix.includes('r') ? body : unescape(body);
}

function unescape(text: string): string {
  return text.replace(/\\(\r?\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/g, (whole, escape: string) => {
    if (escape.startsWith('\n') || escape.startsWith('\r')) return '';
    if (/^[xuU]/.test(escape) && escape.length > 1) return String.fromCodePoint(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
    return SIMPLE_ESCAPES[escape] ?? whole;
  });
}
