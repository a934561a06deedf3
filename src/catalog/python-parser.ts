/**
 * Python scripts → ScriptShape: the module docstring (keyword help or plain text) and every
 * argparse `add_argument(...)` call, in declaration order (Azure Automation passes Python runbook
 * parameters positionally, in this order).
 *
 * Unlike PowerShell, any syntax error is a problem: the grammar is mature and a Python file with a
 * syntax error cannot run at all.
 */
import type { Parser } from 'web-tree-sitter';
import type { ParameterType } from '../domain/runbook.js';
import { describeSyntaxError, firstSyntaxError, lineOf, namedChildrenOf, type SyntaxNode } from './grammars.js';
import { emptyHelp, parseHelpText, type HelpText } from './help-text.js';
import type { LineProblem } from './metadata.js';
import { coerceDefault, type Literal } from './parameter-types.js';
import { pythonLiteral, pythonString } from './python-values.js';
import { describeParsed, type ParsedParameter, type ScriptShape } from './script-shape.js';

const FLAG_ONLY_ACTIONS = new Set(['store_true', 'store_false', 'store_const', 'append_const', 'count', 'argparse.booleanoptionalaction', 'booleanoptionalaction']);
const NO_VALUE_ACTIONS = new Set(['help', 'version']);
const TYPE_NAMES: Record<string, ParameterType> = { int: 'int', float: 'number', str: 'string' };

export function describePython(source: string, parser: Parser): ScriptShape {
  return describeParsed(parser, source, describeModule);
}

function describeModule(root: SyntaxNode): ScriptShape {
  const help = docstringHelp(root);
  const error = firstSyntaxError(root);
  if (error) return { help, parameters: [], problems: [{ line: lineOf(error), reason: `Python syntax error: ${describeSyntaxError(error)}` }] };
  const problems: LineProblem[] = [];
  const parameters: ParsedParameter[] = [];
  for (const call of root.descendantsOfType('call')) {
    const method = call && methodName(call);
    if (method === 'add_subparsers') {
      problems.push({ line: lineOf(call!), reason: 'argparse subcommands (add_subparsers) cannot be shown as one form; split the script into one runbook per subcommand' });
    } else if (method === 'add_argument') {
      const parameter = readArgument(call!, problems);
      if (parameter) parameters.push(parameter);
    }
  }
  return { help, parameters, problems };
}

function methodName(call: SyntaxNode): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute') return undefined;
  return callee.childForFieldName('attribute')?.text;
}

function docstringHelp(root: SyntaxNode): HelpText {
  const first = namedChildrenOf(root).find((n) => n.type !== 'comment');
  const [expression] = first?.type === 'expression_statement' ? namedChildrenOf(first) : [];
  const text = expression && pythonString(expression);
  if (text === undefined) return emptyHelp();
  return parseHelpText(text.split(/\r?\n/).map((line, i) => ({ text: line, line: lineOf(expression) + i })));
}

function readArgument(call: SyntaxNode, problems: LineProblem[]): ParsedParameter | undefined {
  const line = lineOf(call);
  const argumentList = call.childForFieldName('arguments');
  const items = argumentList ? namedChildrenOf(argumentList).filter((n) => n.type !== 'comment') : [];
  const keywords = new Map<string, SyntaxNode>();
  const optionNodes: SyntaxNode[] = [];
  for (const item of items) {
    if (item.type === 'keyword_argument') {
      const value = item.childForFieldName('value');
      if (value) keywords.set(item.childForFieldName('name')?.text ?? '', value);
    } else {
      optionNodes.push(item);
    }
  }
  const options = optionNodes.map(pythonString);
  const label = options.filter(Boolean).join(', ') || 'add_argument';
  const problem = (reason: string): undefined => {
    problems.push({ line, reason: `argument ${label}: ${reason}` });
    return undefined;
  };
  if (!options.length || options.some((o) => !o)) return problem('option names must be string constants, e.g. add_argument("--server")');

  const declared = options as string[];
  const positional = !declared[0].startsWith('-');
  const action = actionOf(keywords.get('action'));
  if (NO_VALUE_ACTIONS.has(action)) return undefined;
  if (action === 'append' || action === 'extend') return problem(`action='${action}' is not supported; use nargs='+' for a list`);
  if (action !== 'store' && !FLAG_ONLY_ACTIONS.has(action)) return problem(`action=${keywords.get('action')!.text} is not supported; use store, store_true, store_false or nargs`);
  // A form switch can only add the flag; a flag that is on by default could never be turned off.
  if (action.endsWith('booleanoptionalaction') && keywords.has('default') && pythonLiteral(keywords.get('default')!) === true)
    return problem(`BooleanOptionalAction with default=True cannot be turned off from a form; declare the opposite flag instead, e.g. add_argument('--no-${declared[0].replace(/^-+/, '')}', action='store_false')`);

  const nargs = keywords.has('nargs') ? pythonLiteral(keywords.get('nargs')!) : undefined;
  if (keywords.has('nargs') && !(nargs === '?' || nargs === '*' || nargs === '+' || (typeof nargs === 'number' && nargs >= 1)))
    return problem(`nargs=${keywords.get('nargs')!.text} is not supported; use '?', '*', '+' or a count`);
  const list = nargs === '*' || nargs === '+' || typeof nargs === 'number';
  const typeNode = keywords.get('type');
  // A custom type= (a function, pathlib.Path …) arrives as text and is checked by the script.
  const type: ParameterType = FLAG_ONLY_ACTIONS.has(action) ? 'switch' : list ? 'string[]' : (typeNode && TYPE_NAMES[typeNode.text]) || 'string';

  const flag = positional ? undefined : (declared.find((o) => o.startsWith('--')) ?? declared[0]);
  // store_false is named after its flag so "on" in the form means "pass the flag".
  const dest = action === 'store_false' ? undefined : keywords.get('dest');
  const name = (dest && pythonString(dest)) ?? (flag ?? declared[0]).replace(/^-+/, '').replace(/-/g, '_');
  const aliases = [...new Set(declared.map((o) => o.replace(/^-+/, '')))].filter((a) => a !== name);
  const requiredNode = keywords.get('required');
  const required = positional ? !(nargs === '?' || nargs === '*') : requiredNode !== undefined && pythonLiteral(requiredNode) === true;
  const parameter: ParsedParameter = {
    name, type, required, secret: false, line,
    ...(flag ? { flag } : { positional: true }),
    ...(aliases.length && { aliases }),
  };

  const choicesNode = keywords.get('choices');
  if (choicesNode) {
    const choices = pythonLiteral(choicesNode);
    if (!Array.isArray(choices) || choices.some((c) => c === null || Array.isArray(c)))
      return problem(`choices must be a literal list, e.g. choices=['dev', 'prod'] (got ${choicesNode.text})`);
    parameter.choices = choices.map(String);
  }
  const defaultNode = keywords.get('default');
  if (defaultNode) {
    const literal = pythonLiteral(defaultNode);
    if (literal === undefined) parameter.defaultExpression = defaultNode.text;
    else {
      const coerced = coerceDefault(literal, type);
      if (coerced.problem) return problem(coerced.problem);
      if (coerced.value !== undefined) parameter.default = coerced.value;
    }
  }
  const helpNode = keywords.get('help');
  const help = helpNode && pythonString(helpNode);
  if (help) parameter.help = expandHelp(help, { default: defaultNode ? displayOf(pythonLiteral(defaultNode), defaultNode) : 'None', choices: parameter.choices?.join(', ') ?? '', dest: name });
  return parameter;
}

function actionOf(node: SyntaxNode | undefined): string {
  if (!node) return 'store';
  return (pythonString(node) ?? node.text).toLowerCase();
}

function displayOf(literal: Literal | undefined, node: SyntaxNode): string {
  if (literal === undefined) return node.text;
  if (literal === null) return 'None';
  return Array.isArray(literal) ? literal.join(', ') : String(literal);
}

/** argparse help strings use %-formatting: `%(default)s`, and `%%` for a percent sign. */
function expandHelp(help: string, values: Record<string, string>): string {
  return help.replace(/%(?:\((\w+)\)[sdrf]|%)/g, (whole, key: string | undefined) => (key === undefined ? '%' : (values[key] ?? whole)));
}
