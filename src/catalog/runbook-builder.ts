/**
 * ScriptShape + the script's help and metadata → RunbookDefinition. A script is either fully
 * understood or left out: any problem means no runbook, so a form never offers parameters that
 * do not match what the script will do.
 */
import {
  DEFAULT_CATEGORY, DEFAULT_TIMEOUT_SECONDS, type ParameterDefinition, type RunbookDefinition, type RunbookLanguage,
} from '../domain/runbook.js';
import { readMetadata, type LineProblem, type RunbookMetadata } from './metadata.js';
import type { ParsedParameter, ScriptShape } from './script-shape.js';

export interface ScriptIdentity {
  /** Path relative to the runbooks folder, with forward slashes. */
  file: string;
  name: string;
  language: RunbookLanguage;
  contentHash: string;
}

/** Azure Automation's rule for runbook names; local names follow it so every runbook can be published. */
const RUNBOOK_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** The Azure cloud sandbox stops every job after three hours. */
const CLOUD_SANDBOX_LIMIT_SECONDS = 3 * 3600;

export function buildRunbook(identity: ScriptIdentity, shape: ScriptShape): { runbook?: RunbookDefinition; problems: LineProblem[] } {
  const { metadata, problems: metadataProblems } = readMetadata(shape.help.metadata);
  const problems = [...shape.problems, ...metadataProblems];
  if (!RUNBOOK_NAME.test(identity.name))
    problems.push({ line: 1, reason: `"${identity.name}" is not a valid runbook name: start with a letter, then letters, digits, "-" or "_", at most 63 characters (e.g. Restart-AppPool)` });
  problems.push(...duplicateParameters(shape.parameters), ...shape.parameters.flatMap(defaultOutsideRules));

  const parameters = shape.parameters.map((p) => withHelp(p, shape));
  problems.push(...applySecrets(parameters, metadata), ...applyPatterns(parameters, metadata), ...applyPatternMessages(parameters, metadata));
  const target = metadata.target ?? 'local';
  const timeoutSeconds = metadata.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (identity.language === 'bash' && target !== 'local')
    problems.push({ line: 1, reason: `Target "${target}": shell scripts run on this machine only (Azure Automation runs PowerShell and Python); use Target: local` });
  if (target === 'cloud' && timeoutSeconds > CLOUD_SANDBOX_LIMIT_SECONDS)
    problems.push({ line: 1, reason: `Timeout ${timeoutSeconds}s is longer than the 3 hours the Azure cloud sandbox allows; use a hybrid worker group as Target` });
  if (problems.length) return { problems };

  const { help } = shape;
  const runbook: RunbookDefinition = {
    name: identity.name,
    language: identity.language,
    file: identity.file,
    category: metadata.category ?? DEFAULT_CATEGORY,
    tags: metadata.tags,
    synopsis: help.synopsis,
    description: help.description,
    examples: help.examples,
    ...(help.notes && { notes: help.notes }),
    parameters: parameters.map(publicParameter),
    target,
    timeoutSeconds,
    ...(metadata.owner && { owner: metadata.owner }),
    contentHash: identity.contentHash,
    source: 'local',
  };
  return { runbook, problems: [] };
}

function duplicateParameters(parameters: ParsedParameter[]): LineProblem[] {
  const seen = new Set<string>();
  return parameters.flatMap((p) => {
    const key = p.name.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      return [];
    }
    return [{ line: p.line, reason: `parameter "${p.name}" is declared twice (names are case-insensitive)` }];
  });
}

/** A declared default that its own ValidateSet/choices or range would reject. */
function defaultOutsideRules(parameter: ParsedParameter): LineProblem[] {
  const { default: value, choices, min, max } = parameter;
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  const lowerChoices = choices?.map((c) => c.toLowerCase());
  const outside = values.find((v) =>
    (lowerChoices && !lowerChoices.includes(String(v).toLowerCase()))
    || (typeof v === 'number' && ((min !== undefined && v < min) || (max !== undefined && v > max))));
  if (outside === undefined) return [];
  return [{ line: parameter.line, reason: `parameter "${parameter.name}": default ${JSON.stringify(outside)} is not allowed by its own ${choices ? `choices (${choices.join(', ')})` : `range (${min ?? '…'} to ${max ?? '…'})`}` }];
}

/** Help precedence: the help block's .PARAMETER text, then HelpMessage/help=, then a nearby comment. */
function withHelp(parameter: ParsedParameter, shape: ScriptShape): ParsedParameter {
  const header = shape.help.parameters.find((h) => h.name.toLowerCase() === parameter.name.toLowerCase());
  const base = header?.help || parameter.help || parameter.commentHelp;
  const expression = parameter.defaultExpression;
  // A computed default is not pre-filled; the help says what an empty field means.
  const computed = expression && `${base ? '(default' : 'Default'}: ${expression}, computed by the script when left empty${base ? ')' : ''}`;
  const help = [base, computed].filter(Boolean).join(' ');
  return { ...parameter, ...(help && { help }) };
}

function findParameter(parameters: ParsedParameter[], name: string): ParsedParameter | undefined {
  return parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

function applySecrets(parameters: ParsedParameter[], metadata: RunbookMetadata): LineProblem[] {
  const problems: LineProblem[] = [];
  for (const { name, line } of metadata.secrets) {
    const parameter = findParameter(parameters, name);
    if (!parameter) {
      problems.push({ line, reason: `Secret names "${name}", which is not a parameter (parameters: ${parameters.map((p) => p.name).join(', ') || 'none'})` });
      continue;
    }
    parameter.secret = true;
    if (parameter.type === 'string') parameter.type = 'secret';
  }
  // A secret's default would be pre-filled into a card that everyone in the chat can read.
  for (const parameter of parameters) if (parameter.secret) delete parameter.default;
  return problems;
}

/** `Pattern.<Name>:` gives Python and shell parameters the check PowerShell declares with [ValidatePattern]. */
function applyPatterns(parameters: ParsedParameter[], metadata: RunbookMetadata): LineProblem[] {
  const problems: LineProblem[] = [];
  for (const { parameter: name, pattern, line } of metadata.patterns) {
    const parameter = findParameter(parameters, name);
    if (!parameter) problems.push({ line, reason: `Pattern.${name}: no parameter has this name` });
    else if (parameter.pattern) problems.push({ line, reason: `Pattern.${name}: the parameter already has [ValidatePattern()]; keep one` });
    else if (!compiles(pattern)) problems.push({ line, reason: `Pattern.${name}: "${pattern}" is not a valid regular expression` });
    else parameter.pattern = pattern;
  }
  return problems;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

function applyPatternMessages(parameters: ParsedParameter[], metadata: RunbookMetadata): LineProblem[] {
  const problems: LineProblem[] = [];
  for (const { parameter: name, message, line } of metadata.patternMessages) {
    const parameter = findParameter(parameters, name);
    if (parameter?.pattern) parameter.patternMessage = message;
    else problems.push({ line, reason: `PatternMessage.${name}: ${parameter ? 'the parameter has no [ValidatePattern()]' : 'no parameter has this name'}` });
  }
  return problems;
}

function publicParameter(parameter: ParsedParameter): ParameterDefinition {
  const { line: _line, defaultExpression: _expression, commentHelp: _comment, ...definition } = parameter;
  return definition;
}
