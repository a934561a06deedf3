/**
 * Catalog metadata a script author controls from the script's own help (see docs/runbooks.md):
 *
 *   Category: SQL
 *   Tags: incident, database
 *   Target: cloud | local | <hybrid worker group>
 *   Timeout: 15m            (s, m, h, combinations like 1h30m, or plain seconds)
 *   Owner: team-dba
 *   Secret: ApiToken, Password
 *   Pattern.Server: ^web\d+$   (for Python and shell scripts, which have no [ValidatePattern])
 *   PatternMessage.Server: must look like web01
 */
import type { SourceLine } from './help-text.js';

export interface RunbookMetadata {
  category?: string;
  /** Lower-cased: tags are matched against places (e.g. `incident` channels), not displayed. */
  tags: string[];
  target?: string;
  timeoutSeconds?: number;
  owner?: string;
  secrets: { name: string; line: number }[];
  patterns: { parameter: string; pattern: string; line: number }[];
  patternMessages: { parameter: string; message: string; line: number }[];
}

/** A problem inside one script; the file is added by the caller. */
export interface LineProblem {
  line: number;
  reason: string;
}

const UNIT_SECONDS: Record<string, number> = {
  '': 1, s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
};
const WORKER_GROUP_NAME = /^[\w][\w .-]*$/;

/** Seconds in `15m`, `90s`, `1h30m`, `600`; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase();
  const parts = [...compact.matchAll(/(\d+)\s*([a-z]*)\s*/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== compact) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of parts) {
    const factor = UNIT_SECONDS[unit];
    if (factor === undefined) return undefined;
    seconds += Number(amount) * factor;
  }
  return seconds > 0 ? seconds : undefined;
}

export function readMetadata(lines: SourceLine[]): { metadata: RunbookMetadata; problems: LineProblem[] } {
  const metadata: RunbookMetadata = { tags: [], secrets: [], patterns: [], patternMessages: [] };
  const problems: LineProblem[] = [];
  const seen = new Set<string>();
  for (const { text, line } of lines) {
    const colon = text.indexOf(':');
    const key = text.slice(0, colon).trim();
    const lowerKey = key.toLowerCase();
    const value = text.slice(colon + 1).trim();
    const perParameter = lowerKey.startsWith('patternmessage.') || lowerKey.startsWith('pattern.');
    const singleKey = perParameter ? lowerKey : lowerKey.replace(/s$/, '');
    if (seen.has(singleKey)) {
      problems.push({ line, reason: `"${key}" is given twice; keep one line` });
      continue;
    }
    seen.add(singleKey);
    if (!value) {
      problems.push({ line, reason: `"${key}:" has no value (example: ${exampleFor(singleKey)})` });
      continue;
    }
    const problem = apply(metadata, singleKey, key, value, line);
    if (problem) problems.push({ line, reason: problem });
  }
  return { metadata, problems };
}

/** Stores one metadata value; returns a reason when the value is not acceptable. */
function apply(metadata: RunbookMetadata, singleKey: string, key: string, value: string, line: number): string | undefined {
  switch (singleKey) {
    case 'category':
      metadata.category = value;
      return undefined;
    case 'tag':
      metadata.tags = listOf(value).map((t) => t.toLowerCase());
      return undefined;
    case 'owner':
      metadata.owner = value;
      return undefined;
    case 'secret':
      metadata.secrets = listOf(value).map((name) => ({ name, line }));
      return undefined;
    case 'target': {
      const lower = value.toLowerCase();
      if (lower === 'cloud' || lower === 'local') metadata.target = lower;
      else if (WORKER_GROUP_NAME.test(value)) metadata.target = value;
      else return `Target "${value}" is not cloud, local or a hybrid worker group name (letters, digits, space, "-", "_", ".")`;
      return undefined;
    }
    case 'timeout': {
      const seconds = parseDuration(value);
      if (seconds === undefined) return `Timeout "${value}" is not a duration (examples: 90s, 15m, 1h30m, 600)`;
      metadata.timeoutSeconds = seconds;
      return undefined;
    }
    default:
      if (singleKey.startsWith('pattern.')) {
        metadata.patterns.push({ parameter: key.slice('Pattern.'.length), pattern: value, line });
        return undefined;
      }
      metadata.patternMessages.push({ parameter: key.slice('PatternMessage.'.length), message: value, line });
      return undefined;
  }
}

function listOf(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function exampleFor(singleKey: string): string {
  const examples: Record<string, string> = {
    category: 'Category: SQL',
    tag: 'Tags: incident, database',
    target: 'Target: cloud',
    timeout: 'Timeout: 15m',
    owner: 'Owner: team-dba',
    secret: 'Secret: ApiToken',
  };
  return examples[singleKey] ?? 'PatternMessage.Server: must look like web01';
}
