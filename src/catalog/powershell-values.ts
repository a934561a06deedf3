/**
 * Constant values in PowerShell syntax trees: strings (all four quoting forms), numbers,
 * $true/$false/$null, negative numbers and arrays. Anything else (`$env:COMPUTERNAME`,
 * `(Get-Date)`, "text with $var") is an expression the script evaluates itself: undefined here.
 */
import { namedChildrenOf, type SyntaxNode } from './grammars.js';
import type { Literal } from './parameter-types.js';

/** Expression layers the grammar nests around every value; each has exactly one child when trivial. */
const WRAPPERS = new Set([
  'logical_expression', 'bitwise_expression', 'comparison_expression', 'additive_expression',
  'multiplicative_expression', 'format_expression', 'range_expression', 'array_literal_expression',
  'unary_expression', 'pipeline', 'pipeline_chain', 'statement_list', 'attribute_argument',
  'script_parameter_default',
]);

const BACKTICK_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Descends through single-child expression layers to the node that carries the value. */
export function unwrapExpression(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    const named = namedChildrenOf(current);
    if (!WRAPPERS.has(current.type) || named.length !== 1) return current;
    current = named[0];
  }
}

export function literalOf(node: SyntaxNode): Literal | undefined {
  const value = unwrapExpression(node);
  switch (value.type) {
    case 'string_literal':
      return stringOf(value);
    case 'integer_literal':
    case 'real_literal':
      return numberOf(value.text);
    case 'variable':
      return constantVariable(value.text);
    case 'expression_with_unary_operator':
      return signedNumber(value);
    case 'array_literal_expression':
      return listOf(namedChildrenOf(value));
    case 'array_expression': {
      const body = namedChildrenOf(value);
      if (!body.length) return [];
      const inner = literalOf(body[0]);
      return inner === undefined ? undefined : Array.isArray(inner) ? inner : [inner];
    }
    default:
      return undefined;
  }
}

/** The literal as a string when it is one (attribute arguments such as ValidateSet items). */
export function stringLiteralOf(node: SyntaxNode): string | undefined {
  const literal = literalOf(node);
  return typeof literal === 'string' || typeof literal === 'number' ? String(literal) : undefined;
}

function listOf(items: SyntaxNode[]): Literal[] | undefined {
  const values = items.map(literalOf);
  return values.some((v) => v === undefined) ? undefined : (values as Literal[]);
}

function stringOf(node: SyntaxNode): string | undefined {
  const [inner] = namedChildrenOf(node);
  if (!inner) return undefined;
  const text = inner.text;
  switch (inner.type) {
    case 'verbatim_string_characters':
      return text.slice(1, -1).replace(/''/g, "'");
    case 'verbatim_here_string_characters':
      return hereStringBody(text);
    case 'expandable_string_literal':
      return namedChildrenOf(inner).length ? undefined : unescapeExpandable(text.slice(1, -1)).replace(/""/g, '"');
    case 'expandable_here_string_literal': {
      const body = hereStringBody(text);
      return namedChildrenOf(inner).length || body === undefined ? undefined : unescapeExpandable(body);
    }
    default:
      return undefined;
  }
}

/** `@'⏎ … ⏎'@` → the lines between the markers. */
function hereStringBody(text: string): string | undefined {
  const match = /^@["']\r?\n([\s\S]*?)\r?\n?["']@$/.exec(text);
  return match ? match[1] : undefined;
}

function unescapeExpandable(text: string): string {
  return text.replace(/`(.)/g, (_, c: string) => BACKTICK_ESCAPES[c] ?? c);
}

function numberOf(text: string): number | undefined {
  const number = Number(text.replace(/[lLdD]$/, ''));
  return Number.isFinite(number) ? number : undefined;
}

function constantVariable(text: string): Literal | undefined {
  const lower = text.toLowerCase();
  if (lower === '$true') return true;
  if (lower === '$false') return false;
  if (lower === '$null') return null;
  return undefined;
}

function signedNumber(node: SyntaxNode): number | undefined {
  const sign = node.child(0)?.type;
  const operand = namedChildrenOf(node)[0];
  if ((sign !== '-' && sign !== '+') || !operand) return undefined;
  const value = literalOf(operand);
  if (typeof value !== 'number') return undefined;
  return sign === '-' ? -value : value;
}
