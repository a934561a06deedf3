/**
 * Constant values in PowerShell syntax trees: strings (all four quoting forms), numbers,
 * $true/$false/$null, negative numbers and arrays. Anything else (`$env:COMPUTERNAME`,
 * `(Get-Date)`, "text with $var") is an expression the script evaluates itself: undefined here.
 */
import { namedChildrenOf, type SyntaxNode } from './grammars.js';
import type { Literal } from './parameter-types.js';

const BACKTICK_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/**
 * The node that carries an expression's value. The grammar nests every value in a dozen
 * single-child layers (logical_expression → … → unary_expression); the innermost named node with
 * the same span is that value, found with one lookup instead of a walk (node objects cross the
 * WASM boundary one by one, and the walk cost more than the parse itself).
 */
export function unwrapExpression(node: SyntaxNode): SyntaxNode {
  return node.namedDescendantForIndex(node.startIndex, node.endIndex) ?? node;
}

export function literalOf(node: SyntaxNode): Literal | undefined {
  const value = unwrapExpression(node);
  const text = value.text;
  switch (value.type) {
    case 'verbatim_string_characters':
      return text.slice(1, -1).replace(/''/g, "'");
    case 'verbatim_here_string_characters':
      return hereStringBody(text);
    case 'expandable_string_literal':
      // Variables or $(…) inside: the script computes the value.
      return value.namedChildCount ? undefined : unescapeExpandable(text.slice(1, -1)).replace(/""/g, '"');
    case 'expandable_here_string_literal': {
      const body = hereStringBody(text);
      return value.namedChildCount || body === undefined ? undefined : unescapeExpandable(body);
    }
    case 'decimal_integer_literal':
    case 'hexadecimal_integer_literal':
    case 'real_literal':
      return numberOf(text);
    case 'variable':
      return constantVariable(text);
    case 'expression_with_unary_operator':
      return signedNumber(value);
    case 'array_literal_expression':
      return listOf(namedChildrenOf(value));
    case 'array_expression': {
      const body = value.firstNamedChild;
      if (!body) return [];
      const inner = literalOf(body);
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
  const sign = node.firstChild?.type;
  const operand = node.firstNamedChild;
  if ((sign !== '-' && sign !== '+') || !operand) return undefined;
  const value = literalOf(operand);
  if (typeof value !== 'number') return undefined;
  return sign === '-' ? -value : value;
}
