/**
 * Turns a [ValidatePattern] (.NET regular expression) into a JavaScript RegExp.
 *
 * Most patterns people write are the common subset of both dialects. A few .NET constructs do
 * not exist in JavaScript, and some of them (`\A`, `\z`) would silently mean something else
 * there (a literal letter), so such patterns are refused as a definition problem rather than
 * applied wrongly. A leading `(?i)` is common and unambiguous, so it becomes the `i` flag.
 * PowerShell matches ValidatePattern case-insensitively, so PowerShell runbooks always get `i`.
 */
import type { RunbookLanguage } from '../domain/runbook.js';

/** Longest value checked against a pattern: bounds the cost of a badly written (backtracking) pattern. */
export const PATTERN_INPUT_MAX = 1024;

const DOTNET_ONLY: { test: RegExp; name: string }[] = [
  { test: /\\[AZzG]/, name: 'the anchors \\A, \\Z, \\z or \\G' },
  { test: /\(\?[imnsx-]+\)/, name: 'inline options such as (?i) in the middle of the pattern' },
  { test: /\(\?[imnsx-]+:/, name: 'scoped options such as (?i:...)' },
  { test: /\(\?>/, name: 'atomic groups (?>...)' },
  { test: /\(\?#/, name: 'inline comments (?#...)' },
  { test: /\(\?\(/, name: 'conditionals (?(...)...)' },
  { test: /\(\?'/, name: "named groups written (?'name'...)" },
  { test: /\(\?<\w*-\w+>/, name: 'balancing groups (?<a-b>...)' },
  { test: /-\[[^\]]*\]\]/, name: 'character class subtraction [a-z-[aeiou]]' },
  { test: /\\p\{Is/, name: 'named Unicode blocks \\p{Is...}' },
  { test: /(?<!\\)[*+?}]\+/, name: 'possessive quantifiers such as a++' },
];

export type CompiledPattern = { ok: true; regex: RegExp } | { ok: false; reason: string };

const cache = new Map<string, CompiledPattern>();

export function compilePattern(pattern: string, language: RunbookLanguage): CompiledPattern {
  const key = `${language}\u0000${pattern}`;
  const known = cache.get(key);
  if (known) return known;
  const compiled = compile(pattern, language);
  cache.set(key, compiled);
  return compiled;
}

function compile(pattern: string, language: RunbookLanguage): CompiledPattern {
  let source = pattern;
  let flags = language === 'powershell' ? 'i' : '';
  const leading = /^\(\?i\)/.exec(source);
  if (leading) {
    source = source.slice(leading[0].length);
    flags = 'i';
  }
  const unsupported = DOTNET_ONLY.find((construct) => construct.test.test(source));
  if (unsupported)
    return {
      ok: false,
      reason: `its pattern ${pattern} uses ${unsupported.name}, which only .NET understands; the runbook author needs to rewrite the pattern with the common regular-expression subset`,
    };
  try {
    return { ok: true, regex: new RegExp(source, flags) };
  } catch (error) {
    return {
      ok: false,
      reason: `its pattern ${pattern} is not a valid regular expression (${(error as Error).message}); the runbook author needs to fix it`,
    };
  }
}
