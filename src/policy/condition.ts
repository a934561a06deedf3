/**
 * The tiny condition language of policy rules (`when:`), parsed here and evaluated over the
 * validated argument values — never with eval:
 *
 *   Environment == 'prod'
 *   Environment in ['prod', 'dr'] and not (Server matches '^lab-')
 *   Replicas > 10 or Force == true
 *
 * Comparisons: ==, !=, in, not in, matches (a regular expression), <, <=, >, >=. Combinators:
 * and, or, not, parentheses. Strings compare case-insensitively, like PowerShell's -eq.
 *
 * List parameters (string[]) are checked element by element, with the quantifier chosen so a
 * rule can never be satisfied by the "wrong" element: conditions that grant (allow rules) must
 * hold for every element; conditions that restrict (deny and approval rules) trigger when any
 * element triggers them. Negation flips the quantifier, so `Environment != 'prod'` in an allow
 * rule means "no element is prod".
 */
import type { ParameterValue } from '../domain/runbook.js';

type Literal = string | number | boolean;

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | Comparison;

interface Comparison {
  kind: 'compare';
  parameter: string;
  op: 'eq' | 'in' | 'matches' | 'lt' | 'le' | 'gt' | 'ge';
  /** `!=` and `not in` are the negations of `==` and `in`. */
  negated: boolean;
  operand: Literal | Literal[] | RegExp;
}

/** Every element must satisfy a granting condition; any element triggers a restricting one. */
export type Quantifier = 'every' | 'some';

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the expression text where the problem is. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ConditionSyntaxError';
  }
}

type Token =
  | { type: 'ident' | 'word'; text: string; offset: number }
  | { type: 'op'; text: string; offset: number }
  | { type: 'punct'; text: '(' | ')' | '[' | ']' | ','; offset: number }
  | { type: 'literal'; value: Literal; offset: number }
  | { type: 'end'; offset: number };

const WORDS = new Set(['and', 'or', 'not', 'in', 'matches', 'true', 'false']);
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'" || ch === '"') {
      const start = i;
      let value = '';
      i++;
      while (i < text.length && text[i] !== ch) {
        // A backslash escapes the quote or itself; everything else is literal text.
        if (text[i] === '\\' && (text[i + 1] === ch || text[i + 1] === '\\')) i++;
        value += text[i++];
      }
      if (i >= text.length) throw new ConditionSyntaxError(`The text starting here is missing its closing ${ch}.`, start);
      i++;
      tokens.push({ type: 'literal', value, offset: start });
    } else if (/[0-9]/.test(ch) || (ch === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ type: 'literal', value: Number(match[0]), offset: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      const lower = word.toLowerCase();
      if (lower === 'true' || lower === 'false') tokens.push({ type: 'literal', value: lower === 'true', offset: i });
      else tokens.push({ type: WORDS.has(lower) ? 'word' : 'ident', text: WORDS.has(lower) ? lower : word, offset: i });
      i += word.length;
    } else if ('()[],'.includes(ch)) {
      tokens.push({ type: 'punct', text: ch as '(' | ')' | '[' | ']' | ',', offset: i });
      i++;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) {
        const hint = ch === '=' ? ' Use == to compare.' : ch === '&' || ch === '|' ? ' Use the words and / or.' : '';
        throw new ConditionSyntaxError(`Unexpected character "${ch}".${hint}`, i);
      }
      tokens.push({ type: 'op', text: op, offset: i });
      i += op.length;
    }
  }
  tokens.push({ type: 'end', offset: text.length });
  return tokens;
}

const EXAMPLE = "Example: Environment == 'prod' and Replicas > 3";

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Condition {
    const condition = this.or();
    const next = this.peek();
    if (next.type !== 'end') throw new ConditionSyntaxError(`Expected "and", "or" or the end here. ${EXAMPLE}`, next.offset);
    return condition;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token.type === 'word' && token.text === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.type === 'punct' && token.text === text;
  }

  private or(): Condition {
    const items = [this.and()];
    while (this.isWord('or')) {
      this.pos++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): Condition {
    const items = [this.unary()];
    while (this.isWord('and')) {
      this.pos++;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): Condition {
    if (this.isWord('not')) {
      this.pos++;
      return { kind: 'not', item: this.unary() };
    }
    if (this.isPunct('(')) {
      const open = this.peek();
      this.pos++;
      const inner = this.or();
      if (!this.isPunct(')')) throw new ConditionSyntaxError('This "(" is never closed.', open.offset);
      this.pos++;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const name = this.peek();
    if (name.type !== 'ident')
      throw new ConditionSyntaxError(`Expected a parameter name here. ${EXAMPLE}`, name.offset);
    this.pos++;
    const opToken = this.peek();
    this.pos++;
    let op: Comparison['op'];
    let negated = false;
    if (opToken.type === 'op') {
      const ops: Record<string, Comparison['op']> = { '==': 'eq', '!=': 'eq', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
      op = ops[opToken.text];
      negated = opToken.text === '!=';
    } else if (opToken.type === 'word' && opToken.text === 'in') {
      op = 'in';
    } else if (opToken.type === 'word' && opToken.text === 'matches') {
      op = 'matches';
    } else if (opToken.type === 'word' && opToken.text === 'not' && this.isWord('in')) {
      this.pos++;
      op = 'in';
      negated = true;
    } else {
      throw new ConditionSyntaxError(
        `Expected a comparison after "${name.text}": ==, !=, in, not in, matches, <, <=, >, >=.`,
        opToken.offset,
      );
    }
    return { kind: 'compare', parameter: name.text, op, negated, operand: this.operand(op) };
  }

  private operand(op: Comparison['op']): Comparison['operand'] {
    const token = this.peek();
    if (op === 'in') {
      if (!this.isPunct('[')) throw new ConditionSyntaxError("\"in\" needs a list, e.g. in ['prod', 'dr'].", token.offset);
      this.pos++;
      const values: Literal[] = [this.literal()];
      while (this.isPunct(',')) {
        this.pos++;
        values.push(this.literal());
      }
      if (!this.isPunct(']')) throw new ConditionSyntaxError('Expected "," or "]" to continue or close the list.', this.peek().offset);
      this.pos++;
      return values;
    }
    const value = this.literal();
    if (op === 'matches') {
      if (typeof value !== 'string')
        throw new ConditionSyntaxError("\"matches\" needs a quoted regular expression, e.g. matches '^prod-'.", token.offset);
      try {
        return new RegExp(value, 'i');
      } catch (error) {
        throw new ConditionSyntaxError(`Not a valid regular expression: ${(error as Error).message}`, token.offset);
      }
    }
    if (op !== 'eq' && typeof value !== 'number')
      throw new ConditionSyntaxError('<, <=, > and >= compare numbers, e.g. Replicas > 3.', token.offset);
    return value;
  }

  private literal(): Literal {
    const token = this.peek();
    if (token.type !== 'literal')
      throw new ConditionSyntaxError("Expected a value here: a quoted text ('prod'), a number or true/false.", token.offset);
    this.pos++;
    return token.value;
  }
}

export function parseCondition(text: string): Condition {
  if (!text.trim()) throw new ConditionSyntaxError(`The condition is empty. ${EXAMPLE}`, 0);
  return new Parser(tokenize(text)).parse();
}

function flip(quantifier: Quantifier): Quantifier {
  return quantifier === 'every' ? 'some' : 'every';
}

export function evaluateCondition(
  condition: Condition,
  values: Record<string, ParameterValue>,
  quantifier: Quantifier,
): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.items.every((item) => evaluateCondition(item, values, quantifier));
    case 'or':
      return condition.items.some((item) => evaluateCondition(item, values, quantifier));
    case 'not':
      return !evaluateCondition(condition.item, values, flip(quantifier));
    case 'compare': {
      const elements = elementsOf(lookup(values, condition.parameter));
      const holds = (q: Quantifier) => (q === 'every' ? elements.every : elements.some).call(elements, (e) => test(condition, e));
      return condition.negated ? !holds(flip(quantifier)) : holds(quantifier);
    }
  }
}

/** Parameter names are case-insensitive, as in PowerShell. */
function lookup(values: Record<string, ParameterValue>, name: string): ParameterValue | undefined {
  if (Object.hasOwn(values, name)) return values[name];
  const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : values[key];
}

/** A missing value or an empty list is one "absent" element that satisfies no comparison. */
function elementsOf(value: ParameterValue | undefined): (Literal | undefined)[] {
  if (Array.isArray(value)) return value.length ? value : [undefined];
  return [value];
}

function test(comparison: Comparison, element: Literal | undefined): boolean {
  if (element === undefined) return false;
  const { op, operand } = comparison;
  if (op === 'eq') return equals(element, operand as Literal);
  if (op === 'in') return (operand as Literal[]).some((literal) => equals(element, literal));
  if (op === 'matches') return (operand as RegExp).test(String(element));
  const number = toNumber(element);
  if (number === undefined) return false;
  const bound = operand as number;
  return op === 'lt' ? number < bound : op === 'le' ? number <= bound : op === 'gt' ? number > bound : number >= bound;
}

function equals(element: Literal, literal: Literal): boolean {
  if (typeof literal === 'number') return toNumber(element) === literal;
  if (typeof literal === 'boolean') return String(element).toLowerCase() === String(literal);
  return String(element).toLowerCase() === literal.toLowerCase();
}

function toNumber(element: Literal): number | undefined {
  if (typeof element === 'number') return element;
  if (typeof element === 'string' && element.trim() !== '' && Number.isFinite(Number(element))) return Number(element);
  return undefined;
}
