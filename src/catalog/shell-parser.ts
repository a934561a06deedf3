/**
 * Shell scripts → ScriptShape, from the `#` comment block at the top of the file (after the
 * shebang). A shell script has no declared parameters, so the help declares them:
 *
 *   # .PARAMETER Host string required
 *   #   Server to check.
 *   # .PARAMETER Port int
 *
 * Words after the name: an optional type (string, int, number, bool, datetime, secret) and
 * `required`. Values are passed positionally, in declaration order ($1, $2 …). Only comments are
 * read, so no grammar is needed.
 */
import type { ParameterType } from '../domain/runbook.js';
import { parseHelpText, type ParameterHeader, type SourceLine } from './help-text.js';
import type { LineProblem } from './metadata.js';
import { parameterTypeFromName } from './parameter-types.js';
import type { ParsedParameter, ScriptShape } from './script-shape.js';

const POSITIONAL_TYPES = new Set<ParameterType>(['string', 'int', 'number', 'bool', 'datetime', 'secret']);
const PARAMETER_NAME = /^[A-Za-z_][\w-]*$/;

export function describeShell(source: string): ScriptShape {
  const help = parseHelpText(leadingComment(source));
  const problems: LineProblem[] = [];
  const parameters = help.parameters
    .map((header) => parameterOf(header, problems))
    .filter((p): p is ParsedParameter => p !== undefined);
  return { help, parameters, problems };
}

function leadingComment(source: string): SourceLine[] {
  const comment: SourceLine[] = [];
  const lines = source.split(/\r?\n/);
  for (const [index, text] of lines.entries()) {
    if (index === 0 && text.startsWith('#!')) continue;
    if (!text.startsWith('#')) {
      if (comment.length || text.trim()) break;
      continue;
    }
    comment.push({ text: text.slice(1), line: index + 1 });
  }
  return comment;
}

function parameterOf(header: ParameterHeader, problems: LineProblem[]): ParsedParameter | undefined {
  const problem = (reason: string): undefined => {
    problems.push({ line: header.line, reason: `.PARAMETER ${header.name}: ${reason}` });
    return undefined;
  };
  if (!PARAMETER_NAME.test(header.name)) return problem('a parameter name uses letters, digits, "_" and "-" only');
  let type: ParameterType | undefined;
  let required = false;
  for (const word of header.words) {
    const lower = word.toLowerCase();
    if (lower === 'required' || lower === 'mandatory') {
      required = true;
      continue;
    }
    const named = parameterTypeFromName(word);
    if (type || !named || !POSITIONAL_TYPES.has(named))
      return problem(`"${word}" is not understood; write ".PARAMETER ${header.name} [string|int|number|bool|datetime|secret] [required]"`);
    type = named;
  }
  return {
    name: header.name,
    type: type ?? 'string',
    required,
    secret: type === 'secret',
    positional: true,
    line: header.line,
    ...(header.help && { help: header.help }),
  };
}
