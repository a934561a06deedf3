/**
 * The runbook form: handed out (openForm, "Run again", `run <runbook>` without values) and
 * submitted (submitRun). The form card carries only its form id; the job service looks up what
 * it was issued for. Submitted inputs are read with the card module's own reader, and inputs the
 * form never had are passed on as they are, so the job service refuses and audits a changed card.
 */
import {
  PARAM_INPUT_PREFIX,
  parameterInputId,
  readFormInputs,
  runbookFormCard,
  CREDENTIAL_USER_SUFFIX,
  TARGET_INPUT_ID,
  TIME_INPUT_SUFFIX,
  type FormInputValue,
} from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { ParameterValue, RunbookDefinition } from '../../domain/runbook.js';
import { isSecretParameter } from '../../validation/mask.js';
import { commandInfo } from '../command-list.js';
import type { Request } from '../context.js';
import { noticeCard, refusalCard, mistakeCard } from '../replies.js';
import { unknownRunbook, visibleSuggestions } from '../runbook-lookup.js';

export async function formCard(request: Request, runbookName: string, fromJobId?: string): Promise<AdaptiveCard> {
  const { user, conversation } = request;
  const issued = await request.services.jobs.issueForm(user, conversation, runbookName, { fromJobId });
  switch (issued.kind) {
    case 'form':
      return runbookFormCard({ runbook: issued.runbook, formId: issued.form.id, prefill: issued.prefill, targetChoices: issued.targetChoices });
    case 'unknown_runbook':
      return mistakeCard(unknownRunbook(issued.name, await visibleSuggestions(request, issued.name), commandInfo('run')));
    case 'not_allowed':
      return noticeCard('error', `You may not run ${issued.runbook} here.`, issued.reason);
  }
}

export async function submitFormCard(
  request: Request,
  data: Record<string, unknown>,
  turn: { cardActivityId?: string; activityId?: string },
): Promise<AdaptiveCard> {
  const { services, user, conversation } = request;
  const formId = typeof data.formId === 'string' ? data.formId : '';
  const grant = formId ? await services.store.getForm(formId) : undefined;
  const runbook = grant ? services.catalog.get(grant.runbook) : undefined;
  const inputs = runbook ? submittedInputs(runbook, data) : {};
  const claimedRunbook = typeof data.runbook === 'string' ? data.runbook : undefined;
  const target = typeof data[TARGET_INPUT_ID] === 'string' && data[TARGET_INPUT_ID] !== '' ? data[TARGET_INPUT_ID] : undefined;
  const result = await services.jobs.submitForm(user, conversation, formId, inputs, {
    cardActivityId: turn.cardActivityId,
    claimedRunbook,
    requestId: turn.activityId,
    target,
  });
  // A form that comes back keeps its "Run on" choice, so a corrected submit goes where the user chose.
  const again = async (book: RunbookDefinition) => ({ targetChoices: await services.jobs.targetChoices(user, conversation, book), target });
  switch (result.kind) {
    case 'started':
    case 'pending_approval':
    case 'duplicate':
      // The form becomes the job card in place; the job service updates this activity from now on.
      return result.card;
    case 'invalid':
      return runbookFormCard({
        runbook: result.runbook,
        formId: result.formId ?? formId,
        prefill: typedBack(result.runbook, inputs),
        errors: Object.fromEntries(result.issues.map((issue) => [issue.parameter, issue.message])),
        ...(await again(result.runbook)),
      });
    case 'rate_limited':
      // The form was not used up: the same form can be sent again in a moment.
      return runbook
        ? runbookFormCard({ runbook, formId, prefill: typedBack(runbook, inputs), message: result.message, ...(await again(runbook)) })
        : refusalCard(result);
    case 'unknown_runbook':
      return mistakeCard(unknownRunbook(result.name, await visibleSuggestions(request, result.name), commandInfo('run')));
    default:
      return refusalCard(result);
  }
}

/** The form's inputs by parameter name, plus any `p.` input that is not one of the form's fields. */
function submittedInputs(runbook: RunbookDefinition, data: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(
    runbook.parameters.flatMap((p) => {
      const id = parameterInputId(p.name);
      return [id, id + CREDENTIAL_USER_SUFFIX, id + TIME_INPUT_SUFFIX];
    }),
  );
  const foreign = Object.entries(data).filter(([key]) => key.startsWith(PARAM_INPUT_PREFIX) && !known.has(key));
  return { ...Object.fromEntries(foreign.map(([key, value]) => [key.slice(PARAM_INPUT_PREFIX.length), value])), ...readFormInputs(runbook, data) };
}

/** What the user typed, to fill the form again after a refusal; secrets are never sent back. */
function typedBack(runbook: RunbookDefinition, inputs: Record<string, unknown>): Record<string, ParameterValue> {
  const prefill: Record<string, ParameterValue> = {};
  for (const parameter of runbook.parameters) {
    const value = inputs[parameter.name] as FormInputValue | undefined;
    if (isSecretParameter(parameter) || value === undefined) continue;
    if (typeof value === 'string' || Array.isArray(value)) prefill[parameter.name] = value;
  }
  return prefill;
}
