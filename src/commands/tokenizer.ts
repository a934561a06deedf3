/**
 * Splits a chat command into words the way a shell user expects, without ever evaluating
 * anything: whitespace separates words; "double quotes" keep spaces and understand \" and \\;
 * 'single quotes' are literal ('' is one quote, as in PowerShell); quoted and bare parts that
 * touch form one word (name="a b"). Typographic quotes (“ ” ‘ ’), which Teams clients produce
 * through autocorrect, count as their plain equivalents. An unclosed quote is a CommandMistake.
 */
import { CommandMistake } from './mistake.js';

export interface Token {
  value: string;
  /**
   * Offset in `value` where the first quoted part starts, or undefined if nothing was quoted.
   * A leading `-` or a `name=` prefix is syntax only when it lies before this offset, so
   * `"-5"` or `"a=b"` stay plain values.
   */
  quotedFrom?: number;
}


const DOUBLE_QUOTES = new Set(['"', '“', '”', '„']);
const SINGLE_QUOTES = new Set(["'", '‘', '’', '‚']);

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let current: Token | undefined;
  let i = 0;
  const chars = [...input];
  const start = (): Token => (current ??= { value: '' });
  const markQuoted = (token: Token) => {
    token.quotedFrom ??= token.value.length;
  };

  while (i < chars.length) {
    const ch = chars[i];
    if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = undefined;
      i++;
    } else if (DOUBLE_QUOTES.has(ch)) {
      const token = start();
      markQuoted(token);
      i = readDoubleQuoted(chars, i + 1, token);
    } else if (SINGLE_QUOTES.has(ch)) {
      const token = start();
      markQuoted(token);
      i = readSingleQuoted(chars, i + 1, token);
    } else {
      start().value += ch;
      i++;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

function readDoubleQuoted(chars: string[], from: number, token: Token): number {
  for (let i = from; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '\\' && (DOUBLE_QUOTES.has(chars[i + 1]) || chars[i + 1] === '\\')) {
      token.value += chars[++i];
    } else if (DOUBLE_QUOTES.has(ch)) {
      return i + 1;
    } else {
      token.value += ch;
    }
  }
  throw unterminated('"', chars.slice(from).join(''));
}

function readSingleQuoted(chars: string[], from: number, token: Token): number {
  for (let i = from; i < chars.length; i++) {
    const ch = chars[i];
    if (SINGLE_QUOTES.has(ch)) {
      if (SINGLE_QUOTES.has(chars[i + 1])) {
        token.value += "'";
        i++;
      } else {
        return i + 1;
      }
    } else {
      token.value += ch;
    }
  }
  throw unterminated("'", chars.slice(from).join(''));
}

function unterminated(quote: string, rest: string): CommandMistake {
  const preview = rest.length > 40 ? `${rest.slice(0, 40)}…` : rest;
  return new CommandMistake(
    `A ${quote} quote is never closed (it starts before "${preview}").`,
    `Close it after the value. Inside ${quote === '"' ? 'double quotes write \\" for a quote' : "single quotes write '' for a quote"}.`,
    `-Name ${quote}two words${quote}`,
  );
}
