/**
 * PowerShell scripts → ScriptShape: the script-level `param()` block (types, [Parameter()],
 * Validate* attributes, [Alias], defaults, comments next to a parameter) and comment-based help
 * (a `<# … #>` block or a run of `#` lines, before the param block or anywhere at script level).
 *
 * Only the param block has to be understood: syntax errors elsewhere are left to pwsh, because
 * the tree-sitter grammar rejects some valid PowerShell in script bodies and a false alarm would
 * hide a working runbook.
 */
import type { Parser } from 'web-tree-sitter';
import type { ParameterType } from '../domain/runbook.js';
import {
  childrenOf, describeSyntaxError, firstSyntaxError, lineOf, namedChildrenOf, type SyntaxNode,
} from './grammars.js';
import { emptyHelp, hasHelpKeywords, parseHelpText, type HelpText, type SourceLine } from './help-text.js';
import type { LineProblem } from './metadata.js';
import { coerceDefault, parameterTypeFromName, SUPPORTED_TYPE_NAMES } from './parameter-types.js';
import { literalOf, stringLiteralOf, unwrapExpression } from './powershell-values.js';
import { describeParsed, type ParsedParameter, type ScriptShape } from './script-shape.js';

export function describePowerShell(source: string, parser: Parser): ScriptShape {
  return describeParsed(parser, source, describeProgram);
}

function describeProgram(root: SyntaxNode): ScriptShape {
  const paramBlock = childrenOf(root).find((n) => n.type === 'param_block');
  const help = findHelp(root);
  if (!paramBlock) {
    const broken = hasBrokenParamBlock(root) ? firstSyntaxError(root) : undefined;
    const problems = broken ? [paramBlockError(broken)] : [];
    return { help, parameters: [], problems };
  }
  const error = firstSyntaxError(paramBlock);
  if (error) return { help, parameters: [], problems: [paramBlockError(error)] };

  const parameterList = namedChildrenOf(paramBlock).find((n) => n.type === 'parameter_list');
  const declarations = parameterList ? namedChildrenOf(parameterList).filter((n) => n.type === 'script_parameter') : [];
  const problems: LineProblem[] = [];
  const read = declarations.map((node) => readParameter(node, problems));
  const parameterSets = new Set(read.flatMap((p) => p.sets));
  const parameters = read.map(({ parameter, mandatory, sets }) => ({
    ...parameter,
    // Mandatory inside one of several parameter sets is not mandatory for the script as a whole.
    required: mandatory && (sets.length === 0 || parameterSets.size <= 1),
  }));
  return { help, parameters, problems };
}

function paramBlockError(node: SyntaxNode): LineProblem {
  return { line: lineOf(node), reason: `the param() block has a syntax error: ${describeSyntaxError(node)}` };
}

/** A `param` keyword at script level that did not become a param_block: the block is broken. */
function hasBrokenParamBlock(root: SyntaxNode): boolean {
  const levels = [root, ...childrenOf(root).filter((n) => n.isError)];
  return levels.some((level) => childrenOf(level).some((n) => !n.isNamed && n.type.toLowerCase() === 'param'));
}

// ---------------------------------------------------------------- comment-based help

function findHelp(root: SyntaxNode): HelpText {
  const topLevel = childrenOf(root).flatMap((n) => (n.type === 'statement_list' ? childrenOf(n) : [n]));
  const blocks = commentBlocks(topLevel.filter((n) => n.type === 'comment'));
  const keywordBlock = blocks.find(hasHelpKeywords);
  if (keywordBlock) return parseHelpText(keywordBlock);
  // Without help keywords, a comment block at the very top still describes the script.
  const firstCode = topLevel.find((n) => n.type !== 'comment');
  const leading = blocks.filter((b) => !firstCode || b[b.length - 1].line <= lineOf(firstCode));
  const described = leading.map((b) => b.filter((l) => !/^\s*(requires\b|!)/i.test(l.text))).find((b) => b.some((l) => l.text.trim()));
  return described ? parseHelpText(described) : emptyHelp();
}

/** Groups comments into blocks: one `<# #>` comment, or consecutive `#` lines. */
function commentBlocks(comments: SyntaxNode[]): SourceLine[][] {
  const blocks: SourceLine[][] = [];
  let previous: SyntaxNode | undefined;
  for (const comment of comments) {
    const lines = commentLines(comment);
    const continues = previous && !isBlockComment(previous) && !isBlockComment(comment)
      && comment.startPosition.row === previous.endPosition.row + 1;
    if (continues) blocks[blocks.length - 1].push(...lines);
    else blocks.push(lines);
    previous = comment;
  }
  return blocks;
}

function isBlockComment(node: SyntaxNode): boolean {
  return node.text.startsWith('<#');
}

function commentLines(comment: SyntaxNode): SourceLine[] {
  const body = isBlockComment(comment) ? comment.text.slice(2, comment.text.endsWith('#>') ? -2 : undefined) : comment.text.slice(1);
  return body.split(/\r?\n/).map((text, i) => ({ text, line: lineOf(comment) + i }));
}

/** Comments right before a parameter (PowerShell reads these as the parameter's help too). */
function commentHelpOf(declaration: SyntaxNode): string | undefined {
  const comments: SyntaxNode[] = [];
  let sibling = declaration.previousSibling ?? (declaration.parent?.type === 'parameter_list' ? declaration.parent.previousSibling : null);
  while (sibling?.type === 'comment') {
    comments.unshift(sibling);
    sibling = sibling.previousSibling;
  }
  // A comment on the previous parameter's line (`$A, # about A`) belongs to that parameter.
  const before = sibling ? comments.filter((c) => c.startPosition.row !== sibling!.endPosition.row) : comments;
  const inside = childrenOf(declaration).flatMap((n) => (n.type === 'attribute_list' ? childrenOf(n) : [n])).filter((n) => n.type === 'comment');
  const text = [...before, ...inside].flatMap(commentLines).map((l) => l.text.trim()).filter(Boolean).join(' ');
  return text || undefined;
}

// ---------------------------------------------------------------- parameters

interface ReadParameter {
  parameter: ParsedParameter;
  mandatory: boolean;
  /** ParameterSetName values of its [Parameter()] attributes. */
  sets: string[];
}

interface AttributeArguments {
  positional: SyntaxNode[];
  named: Map<string, SyntaxNode | undefined>;
}

function readParameter(node: SyntaxNode, problems: LineProblem[]): ReadParameter {
  const parts = namedChildrenOf(node);
  const variable = parts.find((n) => n.type === 'variable');
  const name = (variable?.text ?? '').replace(/^\$/, '').replace(/^\{(.*)\}$/, '$1');
  const line = lineOf(node);
  const problem = (reason: string, at: SyntaxNode = node): void => {
    problems.push({ line: lineOf(at), reason: `parameter $${name}: ${reason}` });
  };
  const attributeList = parts.find((n) => n.type === 'attribute_list');
  // An attribute is either a type constraint ([int]) or a named attribute ([ValidateSet(…)]).
  const attributes = (attributeList ? namedChildrenOf(attributeList) : [])
    .filter((n) => n.type === 'attribute')
    .map((attribute) => ({ attribute, head: attribute.firstNamedChild! }));
  const typeLiteral = attributes.filter((a) => a.head.type === 'type_literal').pop()?.head;
  const typeName = typeLiteral ? typeLiteral.text.slice(1, -1) : undefined;
  let type: ParameterType = 'string';
  if (typeName !== undefined) {
    const known = parameterTypeFromName(typeName);
    if (known) type = known;
    else problem(`type [${typeName}] cannot be filled in from a form; use one of ${SUPPORTED_TYPE_NAMES}`, typeLiteral);
  }
  const parameter: ParsedParameter = { name, type, required: false, secret: type === 'secret' || type === 'credential', flag: `-${name}`, line };
  const sets: string[] = [];
  const parameterAttributes: boolean[] = [];

  for (const { attribute, head } of attributes) {
    if (head.type !== 'attribute_name') continue;
    const args = attributeArguments(attribute);
    const attributeName = head.text.toLowerCase().replace(/^system\.management\.automation\./, '').replace(/attribute$/, '');
    switch (attributeName) {
      case 'parameter': {
        const value = args.named.get('mandatory');
        const isMandatory = args.named.has('mandatory') && (value === undefined || truthy(value));
        parameterAttributes.push(isMandatory);
        const help = args.named.get('helpmessage');
        if (help) parameter.help = stringLiteralOf(help);
        const set = args.named.get('parametersetname');
        if (set) sets.push(stringLiteralOf(set) ?? set.text);
        break;
      }
      case 'validateset': {
        const choices = args.positional.map(stringLiteralOf);
        if (!choices.length || choices.some((c) => c === undefined)) problem('[ValidateSet()] needs constant values, e.g. [ValidateSet(\'dev\', \'prod\')]', attribute);
        else parameter.choices = choices as string[];
        break;
      }
      case 'validatepattern': {
        const pattern = args.positional[0] && stringLiteralOf(args.positional[0]);
        const invalid = pattern === undefined ? 'needs a constant pattern string' : regexError(pattern);
        if (invalid) problem(`[ValidatePattern()] ${invalid}`, attribute);
        else parameter.pattern = pattern;
        break;
      }
      case 'validaterange': {
        const range = rangeOf(args.positional, type);
        if (typeof range === 'string') problem(`[ValidateRange()] ${range}`, attribute);
        else Object.assign(parameter, range);
        if (typeof range !== 'string' && type !== 'int' && type !== 'number') {
          if (typeName === undefined) parameter.type = 'number';
          else problem(`[ValidateRange()] needs a numeric type, not [${typeName}]`, attribute);
        }
        break;
      }
      case 'validatelength': {
        const [min, max] = args.positional.map(literalOf);
        const valid = args.positional.length === 2 && isCount(min) && isCount(max) && min <= max;
        if (!valid) problem('[ValidateLength(min, max)] needs two whole numbers with min <= max, e.g. [ValidateLength(1, 64)]', attribute);
        else Object.assign(parameter, { minLength: min, maxLength: max });
        break;
      }
      case 'validatenotnullorempty':
      case 'validatenotnullorwhitespace':
        parameter.notEmpty = true;
        break;
      case 'alias': {
        const aliases = args.positional.map(stringLiteralOf);
        if (aliases.some((a) => a === undefined)) problem('[Alias()] needs constant names', attribute);
        else parameter.aliases = aliases as string[];
        break;
      }
      // Other attributes ([ValidateScript], [AllowNull], [ArgumentCompleter] …) are enforced by
      // pwsh when the script runs; they do not change the form.
    }
  }
  const mandatory = parameterAttributes.length > 0 && parameterAttributes.every(Boolean);
  readDefault(parts.find((n) => n.type === 'script_parameter_default'), parameter, problem);
  parameter.commentHelp = commentHelpOf(node);
  return { parameter, mandatory, sets };
}

function attributeArguments(attribute: SyntaxNode): AttributeArguments {
  const list = namedChildrenOf(attribute).find((n) => n.type === 'attribute_arguments');
  const result: AttributeArguments = { positional: [], named: new Map() };
  for (const argument of list ? namedChildrenOf(list).filter((n) => n.type === 'attribute_argument') : []) {
    const first = argument.firstNamedChild;
    if (first?.type !== 'simple_name') result.positional.push(argument);
    else if (argument.namedChildCount > 1) result.named.set(first.text.toLowerCase(), argument.lastNamedChild!);
    else result.named.set(first.text.toLowerCase(), undefined);
  }
  return result;
}

function truthy(node: SyntaxNode): boolean {
  const value = literalOf(node);
  return value === true || (typeof value === 'number' && value !== 0);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return `pattern ${JSON.stringify(pattern)} is not a regular expression the form can check: ${(error as Error).message}`;
  }
}

/** PowerShell 6.1+ named ranges, as bounds on whole numbers. */
const RANGE_KINDS: Record<string, { min?: number; max?: number }> = {
  positive: { min: 1 }, nonnegative: { min: 0 }, negative: { max: -1 }, nonpositive: { max: 0 },
};

/** Bounds from [ValidateRange(min, max)] / [ValidateRange('Positive')], or the reason they are unusable. */
function rangeOf(args: SyntaxNode[], type: ParameterType): { min?: number; max?: number } | string {
  if (args.length === 1) {
    const kind = (stringLiteralOf(args[0]) ?? unwrapExpression(args[0]).text.replace(/^\[[\w.]+\]::/, '')).toLowerCase();
    const range = RANGE_KINDS[kind];
    if (range && (type === 'int' || kind.startsWith('non'))) return range;
    return `needs (min, max) or one of NonNegative, NonPositive (Positive, Negative for whole numbers), e.g. [ValidateRange(1, 100)]`;
  }
  if (args.length !== 2) return 'needs two bounds, e.g. [ValidateRange(1, 100)]';
  const bounds = args.map(boundOf);
  if (bounds.some((b) => b === 'invalid')) return `bounds must be numbers (got ${args.map((a) => a.text).join(', ')}), e.g. [ValidateRange(-10, 10)]`;
  const [min, max] = bounds as (number | undefined)[];
  if (min !== undefined && max !== undefined && min > max) return `minimum ${min} is greater than maximum ${max}`;
  return { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

/** A number, undefined for an open bound such as [int]::MaxValue, or 'invalid'. */
function boundOf(node: SyntaxNode): number | undefined | 'invalid' {
  const value = literalOf(node);
  if (typeof value === 'number') return value;
  return /^\[[\w.]+\]::(MaxValue|MinValue)$/i.test(unwrapExpression(node).text) ? undefined : 'invalid';
}

function readDefault(defaultNode: SyntaxNode | undefined, parameter: ParsedParameter, problem: (reason: string) => void): void {
  const value = defaultNode?.lastNamedChild; // after the "="
  if (!value) return;
  const literal = literalOf(value);
  if (literal === undefined) {
    parameter.defaultExpression = value.text;
    return;
  }
  const coerced = coerceDefault(literal, parameter.type);
  if (coerced.problem) problem(coerced.problem);
  else if (coerced.value !== undefined) parameter.default = coerced.value;
}
