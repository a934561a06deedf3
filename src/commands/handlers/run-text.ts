/**
 * `run <runbook> [arguments]`. Without arguments a runbook that needs values answers with its
 * form; otherwise the arguments are bound to parameters and sent down the same validation,
 * policy and request path as a form submit. A started run's card is posted by the job service
 * (and then updated in place), so a successful run needs no reply here.
 */
import { runCommandExample, Verb } from '../../cards/index.js';
import type { OutgoingMessage } from '../../domain/message.js';
import { commandInfo } from '../command-list.js';
import type { Request } from '../context.js';
import { invalidValues, noticeCard, refusalCard } from '../replies.js';
import { bindRunArguments } from '../run-arguments.js';
import { requireRunbook, unknownRunbook, visibleSuggestions } from '../runbook-lookup.js';
import type { Token } from '../tokenizer.js';
import { formCard } from './run-form.js';

export async function runCommand(request: Request, tokens: Token[], messageId: string | undefined): Promise<OutgoingMessage | undefined> {
  const [name, ...args] = tokens;
  const runbook = await requireRunbook(request, name?.value, commandInfo('run'));
  if (args.length === 0 && runbook.parameters.some((p) => p.required)) return { card: await formCard(request, runbook.name) };

  const values = bindRunArguments(runbook, args);
  const { services, user, conversation } = request;
  const result = await services.jobs.submitText(user, conversation, runbook.name, values, { requestId: messageId });
  switch (result.kind) {
    case 'started':
    case 'pending_approval':
      return undefined;
    case 'duplicate':
      return {
        card: noticeCard('info', `This message already started job ${result.job.id}.`, 'Teams delivered it twice; it ran once.', [
          { title: 'Show the job', verb: Verb.refreshJob, data: { jobId: result.job.id } },
        ]),
      };
    case 'invalid':
      throw invalidValues(runbook.name, result.issues.map((issue) => issue.message), runCommandExample(runbook));
    case 'unknown_runbook':
      throw unknownRunbook(result.name, await visibleSuggestions(request, result.name), commandInfo('run'));
    default:
      return { card: refusalCard(result) };
  }
}
