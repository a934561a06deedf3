/**
 * Comment-based help, read the same way for every language: PowerShell's `<# .SYNOPSIS … #>`
 * block or `#` line block, a Python module docstring, a shell script's leading `#` block.
 *
 * Two shapes are understood:
 * - keyword help: `.SYNOPSIS`, `.DESCRIPTION`, `.PARAMETER <name>`, `.EXAMPLE`, `.NOTES` (other
 *   PowerShell help keywords such as `.LINK` are accepted and ignored); metadata lines
 *   (`Category: SQL`) are read from `.NOTES`.
 * - plain text: the first line is the synopsis, the rest the description; metadata lines may
 *   appear anywhere and are taken out of the description.
 */

/** One line of comment text with its 1-based line number in the script. */
export interface SourceLine {
  text: string;
  line: number;
}

/** A `.PARAMETER` header: its name, any words after the name (shell scripts declare types there). */
export interface ParameterHeader {
  name: string;
  words: string[];
  line: number;
  help: string;
}

export interface HelpText {
  synopsis: string;
  description: string;
  examples: string[];
  /** `.NOTES` text without the metadata lines. */
  notes: string;
  parameters: ParameterHeader[];
  /** `Key: value` lines that may be catalog metadata (see metadata.ts). */
  metadata: SourceLine[];
}

const HELP_KEYWORDS = new Set([
  'synopsis', 'description', 'parameter', 'example', 'notes', 'inputs', 'outputs', 'link',
  'component', 'role', 'functionality', 'forwardhelptargetname', 'forwardhelpcategory',
  'remotehelprunspace', 'externalhelp',
]);
const KEYWORD_LINE = /^\s*\.([A-Za-z]+)(?:\s+(.*?))?\s*$/;
const METADATA_LINE = /^\s*(category|tags|target|timeout|owner|secrets?|pattern(?:message)?\.[A-Za-z_][\w-]*)\s*:/i;

export function emptyHelp(): HelpText {
  return { synopsis: '', description: '', examples: [], notes: '', parameters: [], metadata: [] };
}

/** True when the lines carry PowerShell-style help keywords (used to pick the help comment). */
export function hasHelpKeywords(lines: SourceLine[]): boolean {
  return lines.some((l) => keywordOf(l.text) !== undefined);
}

export function parseHelpText(lines: SourceLine[]): HelpText {
  return hasHelpKeywords(lines) ? parseKeywordHelp(lines) : parsePlainHelp(lines);
}

function keywordOf(text: string): { keyword: string; argument: string } | undefined {
  const match = KEYWORD_LINE.exec(text);
  if (!match || !HELP_KEYWORDS.has(match[1].toLowerCase())) return undefined;
  return { keyword: match[1].toLowerCase(), argument: match[2] ?? '' };
}

function parseKeywordHelp(lines: SourceLine[]): HelpText {
  const help = emptyHelp();
  let section: { keyword: string; argument: string; line: number; body: SourceLine[] } | undefined;
  const close = (): void => {
    if (!section) return;
    const text = blockText(section.body);
    switch (section.keyword) {
      case 'synopsis':
        help.synopsis = text.replace(/\s+/g, ' ');
        break;
      case 'description':
        help.description = text;
        break;
      case 'example':
        if (text) help.examples.push(text);
        break;
      case 'notes': {
        const { metadata, rest } = splitMetadata(section.body);
        help.metadata.push(...metadata);
        help.notes = blockText(rest);
        break;
      }
      case 'parameter': {
        const [name = '', ...words] = section.argument.split(/\s+/).filter(Boolean);
        if (name) help.parameters.push({ name, words, line: section.line, help: text.replace(/\s+/g, ' ') });
        break;
      }
    }
  };
  for (const line of lines) {
    const keyword = keywordOf(line.text);
    if (keyword) {
      close();
      section = { ...keyword, line: line.line, body: [] };
    } else {
      section?.body.push(line);
    }
  }
  close();
  return help;
}

function parsePlainHelp(lines: SourceLine[]): HelpText {
  const { metadata, rest } = splitMetadata(lines);
  const firstText = rest.findIndex((l) => l.text.trim() !== '');
  if (firstText < 0) return { ...emptyHelp(), metadata };
  return {
    ...emptyHelp(),
    synopsis: rest[firstText].text.trim(),
    description: blockText(rest.slice(firstText + 1)),
    metadata,
  };
}

function splitMetadata(lines: SourceLine[]): { metadata: SourceLine[]; rest: SourceLine[] } {
  const metadata: SourceLine[] = [];
  const rest: SourceLine[] = [];
  for (const line of lines) (METADATA_LINE.test(line.text) ? metadata : rest).push(line);
  return { metadata, rest };
}

/** Dedent, drop blank lines at both ends, keep the author's line breaks. */
function blockText(lines: SourceLine[]): string {
  const texts = lines.map((l) => l.text.replace(/\s+$/, ''));
  while (texts.length && texts[0] === '') texts.shift();
  while (texts.length && texts[texts.length - 1] === '') texts.pop();
  const indents = texts.filter((t) => t !== '').map((t) => /^\s*/.exec(t)![0].length);
  const indent = indents.length ? Math.min(...indents) : 0;
  return texts.map((t) => t.slice(indent)).join('\n');
}
