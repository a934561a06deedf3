/**
 * The form generated from a runbook's parameters, and the reading of its submitted inputs.
 * Both live here so input ids cannot drift apart between the card and the code reading it.
 */
import type { AdaptiveCard } from '../domain/message.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import { clip, formatDuration, plural, targetLabel } from './format.js';
import { CREDENTIAL_USER_SUFFIX, fieldKind, formField, parameterInputId, TIME_INPUT_SUFFIX } from './form-fields.js';
import { fitToBudget } from './limits.js';
import { renderCard } from './templates.js';
import { TARGET_INPUT_ID } from './verbs.js';

export interface RunbookFormInput {
  runbook: RunbookDefinition;
  /** The server-side form grant; the submit carries only this id. */
  formId: string;
  /** Values of an earlier run ("run again"); they override defaults. Secrets are never shown. */
  prefill?: Record<string, ParameterValue>;
  /** Why a submitted value was refused, per parameter name. */
  errors?: Record<string, string>;
  /** A note above the fields, e.g. why the form came back. */
  message?: string;
  /** Targets the user may choose from (the runbook's own first); a "Run on" choice when more than one. */
  targetChoices?: string[];
  /** The target selected in the choice (e.g. sent back after a refusal); default: the runbook's own. */
  target?: string;
}

/** "Azure cloud sandbox", "Hybrid worker group X": the target as a choice title. */
function targetChoiceTitle(target: string): string {
  const label = targetLabel(target);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function runbookFormCard(input: RunbookFormInput): AdaptiveCard {
  const { runbook } = input;
  const errors = input.errors ?? {};
  const names = new Set(runbook.parameters.map((p) => p.name));
  // Errors about no particular parameter (e.g. the total size) still have to be seen.
  const general = Object.entries(errors).filter(([name]) => !names.has(name)).map(([, text]) => text);
  const errorCount = Object.keys(errors).length;
  const summary = errorCount > 0 ? `Fix ${plural(errorCount, 'value')} marked below and run again.` : undefined;
  const message = [input.message, summary, ...general].filter((x): x is string => Boolean(x)).join(' ');
  return fitToBudget((scale) => renderCard('runbook-form', {
    name: runbook.name,
    synopsis: runbook.synopsis || 'No synopsis yet: add .SYNOPSIS to the script help.',
    meta: `${runbook.category} · runs on ${targetLabel(runbook.target)} · times out after ${formatDuration(runbook.timeoutSeconds * 1000)}`,
    message: message === '' ? null : clip(message, 1000),
    messageStyle: errorCount > 0 ? 'attention' : 'emphasis',
    runOn:
      (input.targetChoices?.length ?? 0) > 1
        ? {
            id: TARGET_INPUT_ID,
            value: input.target && input.targetChoices?.includes(input.target) ? input.target : runbook.target,
            choices: input.targetChoices?.map((target) => ({ title: targetChoiceTitle(target), value: target })),
          }
        : null,
    fields: runbook.parameters.map((p) => formField(runbook, p, input.prefill, errors[p.name], scale)),
    formId: input.formId,
  }));
}

/** A submitted value as typed: still untrusted and unvalidated (the server validates every one). */
export type FormInputValue = string | string[] | { userName: string; password: string };

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function items(value: string, separator: RegExp): string[] {
  return value.split(separator).map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * The values a form submit carries, per parameter name, undoing the input layout of the form:
 * date + time joined as `YYYY-MM-DDTHH:MM`, multi-select and one-per-line inputs as lists,
 * credentials as user name + password. Parameters left empty are absent. Anything in `data` that
 * is not one of this runbook's inputs is ignored.
 */
export function readFormInputs(runbook: RunbookDefinition, data: Record<string, unknown>): Record<string, FormInputValue> {
  const values: Record<string, FormInputValue> = {};
  for (const p of runbook.parameters) {
    const id = parameterInputId(p.name);
    const raw = text(data[id]);
    switch (fieldKind(p)) {
      case 'credential': {
        const userName = text(data[id + CREDENTIAL_USER_SUFFIX]);
        if (userName !== undefined || raw !== undefined) values[p.name] = { userName: userName ?? '', password: raw ?? '' };
        break;
      }
      case 'datetime': {
        const time = text(data[id + TIME_INPUT_SUFFIX]);
        if (raw !== undefined) values[p.name] = time === undefined ? raw.trim() : `${raw.trim()}T${time.trim()}`;
        break;
      }
      case 'multichoice':
        if (raw !== undefined) values[p.name] = items(raw, /,/);
        break;
      case 'lines':
        if (raw !== undefined) values[p.name] = items(raw, /\r?\n/);
        break;
      default:
        if (raw !== undefined) values[p.name] = raw;
    }
  }
  return values;
}
