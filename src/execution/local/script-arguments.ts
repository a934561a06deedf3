/**
 * Turns validated parameter values into the script's own arguments (an argv array — no shell is
 * ever involved) and the secret environment variables.
 *
 * Every value is one argv entry, passed verbatim; the forms below make sure a value can never be
 * read as an option, whatever it contains (leading dashes, spaces, quotes, `$(...)`, `;`,
 * newlines):
 *
 * - PowerShell (`pwsh -File`): `-Name:` followed by the value as the next entry. pwsh binds the
 *   entry after a `-Name:` token to that parameter as a literal string (CommandLineParameterParser
 *   .CollectPSArgs), even when it starts with `-` or contains `:`. `[switch]`: `-Name` when true,
 *   omitted when false. `[bool]`: `-Name:true` / `-Name:false`. `[string[]]`: one entry with the
 *   items joined by commas (pwsh -File cannot pass an array; the script splits with `-split ','`).
 * - Python (argparse): options as `--flag=value` (one entry, so a leading dash stays part of the
 *   value); store_true switches as the bare flag when true; bools as `--flag=true|false`; lists as
 *   the flag followed by one entry per item (argparse nargs); positionals in declaration order
 *   after `--`, so they may start with a dash too.
 * - bash: every parameter is positional ($1, $2 … in declaration order, as the shell help
 *   declares them); a parameter left out or secret keeps its place as an empty string when a
 *   later one is given; lists are joined by commas.
 * - Secrets (`secret` parameters, securestring, pscredential) never go into argv, where `ps` shows
 *   them to every user of the machine: each is passed as the environment variable
 *   SWITCHBOARD_SECRET_<NAME> (upper case, other characters → `_`), readable only by the job's
 *   own user (/proc/<pid>/environ is private, /proc/<pid>/cmdline is not).
 */
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../../domain/runbook.js';
import { ExecutionError } from '../executor.js';

export interface ScriptArguments {
  args: string[];
  secretEnv: Record<string, string>;
}

type Given = [ParameterDefinition, ParameterValue];

export function secretVariableName(parameterName: string): string {
  return `SWITCHBOARD_SECRET_${parameterName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function scriptArguments(runbook: RunbookDefinition, values: Record<string, ParameterValue>): ScriptArguments {
  const secretEnv: Record<string, string> = {};
  const given: Given[] = [];
  for (const parameter of runbook.parameters) {
    const value = values[parameter.name];
    if (value === undefined) continue;
    if (isSecret(parameter)) Object.assign(secretEnv, secretVariables(parameter, value));
    else given.push([parameter, value]);
  }
  const args =
    runbook.language === 'powershell'
      ? powershellArguments(given)
      : runbook.language === 'python'
        ? pythonArguments(given)
        : shellArguments(runbook.parameters, given);
  return { args, secretEnv };
}

function isSecret(parameter: ParameterDefinition): boolean {
  return parameter.secret || parameter.type === 'secret' || parameter.type === 'credential';
}

function secretVariables(parameter: ParameterDefinition, value: ParameterValue): Record<string, string> {
  return { [secretVariableName(parameter.name)]: items(value).join(',') };
}

function items(value: ParameterValue): string[] {
  return Array.isArray(value) ? value : [String(value)];
}

function powershellArguments(given: Given[]): string[] {
  const args: string[] = [];
  for (const [parameter, value] of given) {
    const flag = parameter.flag ?? `-${parameter.name}`;
    if (parameter.type === 'switch') {
      if (value === true) args.push(flag);
    } else if (parameter.type === 'bool') {
      args.push(`${flag}:${value === true}`);
    } else {
      args.push(`${flag}:`, items(value).join(','));
    }
  }
  return args;
}

function pythonArguments(given: Given[]): string[] {
  const options: string[] = [];
  const positionals: string[] = [];
  for (const [parameter, value] of given) {
    if (parameter.positional) {
      positionals.push(...items(value));
      continue;
    }
    const flag = parameter.flag ?? `--${parameter.name}`;
    if (parameter.type === 'switch') {
      if (value === true) options.push(flag);
    } else if (parameter.type === 'bool') {
      options.push(`${flag}=${value === true}`);
    } else if (Array.isArray(value)) {
      options.push(flag, ...value.map((item) => listItem(parameter, item)));
    } else {
      options.push(`${flag}=${String(value)}`);
    }
  }
  return positionals.length ? [...options, '--', ...positionals] : options;
}

function shellArguments(parameters: ParameterDefinition[], given: Given[]): string[] {
  const byName = new Map(given.map(([parameter, value]) => [parameter.name, items(value).join(',')]));
  const positions = parameters.map((parameter) => byName.get(parameter.name));
  while (positions.length && positions.at(-1) === undefined) positions.pop();
  return positions.map((value) => value ?? '');
}

/** A list item after its flag is a separate entry; one starting with '-' would be taken for an option. */
function listItem(parameter: ParameterDefinition, item: string): string {
  if (item.startsWith('-'))
    throw new ExecutionError(
      `Parameter ${parameter.name}: the list item "${item}" starts with "-", so the script would read it as an option.`,
      'bad_value',
      `Remove the leading "-" from the item, or make ${parameter.name} a single-value or positional parameter.`,
    );
  return item;
}
