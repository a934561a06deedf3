/**
 * Tamper-proof requests. A card submit carries only a form id and input values; what runs, for
 * whom and where comes from the FormGrant the server stored when it handed out the form. A submit
 * that does not fit its grant (another user, another conversation, another runbook, parameters
 * the form never had, an expired or already used form) is refused here and audited.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ConversationInfo } from '../domain/conversation.js';
import { SECRET_MASK, samePerson, type Job, type Principal } from '../domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import type { FormGrant, Store } from '../store/store.js';
import { isSecretParameter } from '../validation/mask.js';
import { printable } from '../validation/text-safety.js';
import { findParameter } from '../validation/validate.js';
import type { AuditTrail } from './audit-trail.js';
import type { Clock } from './clock.js';
import type { SubmitResult } from './results.js';

/**
 * A form's input values by parameter name (untrusted), or a reader that extracts them from the
 * card data once the form's runbook is known (card layouts such as date + time or user + password
 * inputs depend on it). A reader should also return inputs the runbook does not have, so a changed
 * card is recognised.
 */
export type FormInputs = Record<string, unknown> | ((runbook: RunbookDefinition) => Record<string, unknown>);

export interface FormSubmit {
  formId: string;
  inputs: FormInputs;
  /** A runbook name the card data claimed, if it carried one (it must match the form's). */
  claimedRunbook?: string;
}

export type FormCheck =
  | { ok: true; form: FormGrant; runbook: RunbookDefinition; values: Record<string, unknown> }
  | { ok: false; refusal: SubmitResult }
  | { ok: false; usedBy: string };

interface CheckDeps {
  store: Store;
  catalog: Catalog;
  audit: AuditTrail;
  clock: Clock;
}

function forbidden(reason: string): { ok: false; refusal: SubmitResult } {
  return { ok: false, refusal: { kind: 'forbidden_form', reason } };
}

/** Checks a form submit against its grant; refusals are audited as request.refused. */
export async function checkFormSubmit(
  deps: CheckDeps,
  user: Principal,
  conversation: ConversationInfo,
  submit: FormSubmit,
): Promise<FormCheck> {
  const { store, catalog, audit, clock } = deps;
  const refuse = (reason: string, form?: FormGrant, detail: Record<string, unknown> = {}) =>
    audit.record('request.refused', {
      actor: user,
      runbook: form?.runbook,
      conversationKey: conversation.key,
      detail: { reason, formId: submit.formId, ...detail },
    });

  const form = await store.getForm(submit.formId);
  if (!form) {
    await refuse('unknown_form');
    return forbidden('This form is not known here, so nothing was run. Open the runbook again from the menu or with `run <runbook>`.');
  }
  if (form.userId !== user.id) {
    await refuse('wrong_user', form, { formUser: form.userId });
    return forbidden(`This form was opened by someone else, so it cannot run for you. Open your own with \`run ${form.runbook}\`.`);
  }
  if (form.conversationKey !== conversation.key) {
    await refuse('wrong_conversation', form, { formConversation: form.conversationKey });
    return forbidden(`This form belongs to another conversation. Open it here with \`run ${form.runbook}\`.`);
  }
  if (form.jobId) {
    await refuse('replay', form, { jobId: form.jobId });
    return { ok: false, usedBy: form.jobId };
  }
  if (Date.parse(form.expiresAt) <= clock.now()) {
    await refuse('expired_form', form, { expiresAt: form.expiresAt });
    return {
      ok: false,
      refusal: { kind: 'expired_form', runbook: form.runbook, message: `This form expired at ${form.expiresAt}. Open it again with \`run ${form.runbook}\`.` },
    };
  }
  if (submit.claimedRunbook !== undefined && submit.claimedRunbook.toLowerCase() !== form.runbook.toLowerCase()) {
    await refuse('runbook_mismatch', form, { claimed: submit.claimedRunbook.slice(0, 200) });
    return forbidden(`This form is for ${form.runbook}; the submitted card asked for something else, so nothing was run.`);
  }
  const runbook = catalog.get(form.runbook);
  if (!runbook) {
    await refuse('runbook_removed', form);
    return { ok: false, refusal: { kind: 'unknown_runbook', name: form.runbook, suggestions: catalog.suggest(form.runbook, 3) } };
  }
  const values = typeof submit.inputs === 'function' ? submit.inputs(runbook) : submit.inputs;
  const extra = Object.keys(values).filter((key) => !findParameter(runbook, key));
  if (extra.length) {
    await refuse('extra_parameters', form, { parameters: extra.slice(0, 20).map((k) => printable(k).slice(0, 100)) });
    const shown = extra.slice(0, 3).map((k) => printable(k).slice(0, 40));
    return forbidden(`The form for ${runbook.name} has no field ${shown.join(', ')}; the submitted card was changed, so nothing was run.`);
  }
  return { ok: true, form, runbook, values };
}

/** Whether a user may look at a job: they asked for it, or it ran where they are. */
export function canView(job: Job, user: Principal, conversation: ConversationInfo): boolean {
  return samePerson(job.requester, user) || job.conversationKey === conversation.key;
}

/** "Run again": the earlier run's values for parameters that still exist, secrets left out. */
export function prefillFrom(job: Job, runbook: RunbookDefinition): Record<string, ParameterValue> {
  const prefill: Record<string, ParameterValue> = {};
  if (job.runbook.toLowerCase() !== runbook.name.toLowerCase()) return prefill;
  for (const parameter of runbook.parameters) {
    const value = job.parameters[parameter.name];
    if (value === undefined || value === SECRET_MASK || isSecretParameter(parameter)) continue;
    prefill[parameter.name] = value;
  }
  return prefill;
}
