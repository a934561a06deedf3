/**
 * Binds the words after `run <runbook>` to the runbook's declared parameters, in the two styles
 * operators type:
 *   PowerShell: -Server web01 -Force -Pool "api pool" -Retries:3   (names, aliases, unique prefixes)
 *   key=value:  server=web01 force=true                              (also --server for Python flags)
 * Words without a name fill the remaining non-switch parameters in declaration order, like
 * PowerShell's positional binding. Values stay text here: the job service validates and converts
 * them exactly as it does for form submits, so both paths accept and refuse the same things.
 */
import type { ParameterDefinition, RunbookDefinition } from '../domain/runbook.js';
import { runCommandExample } from '../cards/index.js';
import { expectedText } from '../validation/describe.js';
import { closest } from './did-you-mean.js';
import { CommandMistake } from './mistake.js';
import type { Token } from './tokenizer.js';

/** Text values as typed; switches are true/false. */
export type TypedValues = Record<string, string | boolean>;

interface Binding {
  parameter: ParameterDefinition;
  value: string | boolean;
}

export function bindRunArguments(runbook: RunbookDefinition, tokens: Token[]): TypedValues {
  const values: TypedValues = {};
  const bind = ({ parameter, value }: Binding) => {
    if (parameter.name in values)
      throw new CommandMistake(
        `-${parameter.name} was given twice.`,
        'Give each parameter once.',
        runCommandExample(runbook),
      );
    values[parameter.name] = value;
  };
  const positional: Token[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const named = namedPart(token);
    if (!named) {
      positional.push(token);
      continue;
    }
    const parameter = findParameter(runbook, named.name, named.style);
    if (named.inlineValue !== undefined) {
      bind({ parameter, value: parameter.type === 'switch' ? switchValue(parameter, named.inlineValue) : named.inlineValue });
    } else if (parameter.type === 'switch') {
      bind({ parameter, value: true });
    } else {
      const next = tokens[i + 1];
      if (next === undefined)
        throw new CommandMistake(`-${parameter.name} needs a value.`, describeExpected(parameter), runCommandExample(runbook));
      bind({ parameter, value: next.value });
      i++;
    }
  }

  bindPositional(runbook, positional, values);
  return values;
}

function bindPositional(runbook: RunbookDefinition, positional: Token[], values: TypedValues): void {
  const open = runbook.parameters.filter((p) => p.type !== 'switch' && !(p.name in values));
  if (positional.length > open.length) {
    const extra = positional.slice(open.length).map((t) => `"${t.value}"`).join(', ');
    throw new CommandMistake(
      `There is no parameter left for ${extra}.`,
      `Name the parameters to be sure which value goes where; ${runbook.name} takes ${listParameters(runbook)}.`,
      runCommandExample(runbook),
    );
  }
  positional.forEach((token, index) => {
    values[open[index].name] = token.value;
  });
}

interface NamedPart {
  name: string;
  style: 'dash' | 'equals';
  inlineValue?: string;
}

/** `-Name`, `--name`, `-Name:value` or `name=value`, unless the syntax characters were quoted. */
function namedPart(token: Token): NamedPart | undefined {
  const unquoted = token.quotedFrom ?? token.value.length;
  const dash = /^--?([A-Za-z_][\w-]*)(?::(.*))?$/s.exec(token.value);
  if (dash && unquoted > 0) {
    const colon = dash[2] === undefined ? undefined : dash[2];
    return { name: dash[1], style: 'dash', inlineValue: colon };
  }
  const equals = /^([A-Za-z_][\w-]*)=(.*)$/s.exec(token.value);
  if (equals && token.value.indexOf('=') < unquoted) return { name: equals[1], style: 'equals', inlineValue: equals[2] };
  return undefined;
}

/** Exact name, alias or flag (case-insensitive); for -Name also a unique prefix, as PowerShell allows. */
function findParameter(runbook: RunbookDefinition, typed: string, style: NamedPart['style']): ParameterDefinition {
  const lower = typed.toLowerCase();
  const names = (p: ParameterDefinition) =>
    [p.name, ...(p.aliases ?? []), ...(p.flag ? [p.flag.replace(/^-+/, '')] : [])].map((n) => n.toLowerCase());
  const exact = runbook.parameters.find((p) => names(p).includes(lower));
  if (exact) return exact;
  if (style === 'dash') {
    const prefixed = runbook.parameters.filter((p) => names(p).some((n) => n.startsWith(lower)));
    if (prefixed.length === 1) return prefixed[0];
    if (prefixed.length > 1)
      throw new CommandMistake(
        `-${typed} could mean ${prefixed.map((p) => `-${p.name}`).join(' or ')}.`,
        'Type more of the parameter name.',
        runCommandExample(runbook),
      );
  }
  const guesses = closest(typed, runbook.parameters.map((p) => p.name));
  throw new CommandMistake(
    `${runbook.name} has no parameter ${style === 'dash' ? '-' : ''}${typed}.${guesses.length ? ` Did you mean ${guesses.map((g) => `-${g}`).join(' or ')}?` : ''}`,
    runbook.parameters.length ? `Its parameters are ${listParameters(runbook)}.` : `${runbook.name} takes no parameters.`,
    runCommandExample(runbook),
  );
}

function switchValue(parameter: ParameterDefinition, raw: string): boolean {
  const normalized = raw.toLowerCase().replace(/^\$/, '');
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  throw new CommandMistake(
    `-${parameter.name} is a switch; "${raw}" is not true or false.`,
    `Write -${parameter.name} to turn it on and leave it out (or write -${parameter.name}:$false) to turn it off.`,
  );
}

export function listParameters(runbook: RunbookDefinition): string {
  return runbook.parameters.map((p) => `-${p.name}${p.required ? ' (required)' : ''}`).join(', ');
}

/** What a parameter accepts, in words, with its help text. */
export function describeExpected(parameter: ParameterDefinition): string {
  return `-${parameter.name} takes ${expectedText(parameter)}.${parameter.help ? ` ${parameter.help}` : ''}`;
}
