/**
 * Case-insensitive glob patterns for policy selectors (`Restart-*`, `inc-*`, `db?`). Only `*`
 * (any run of characters) and `?` (one character) are special, so a runbook or channel name can
 * never smuggle a regular expression into a rule.
 */
export type Glob = (text: string | undefined) => boolean;

export function compileGlob(pattern: string): Glob {
  if (pattern === '*') return (text) => text !== undefined;
  const source = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`, 'is');
  return (text) => text !== undefined && regex.test(text);
}

