/**
 * Answers shared by the handlers: a mistake or refusal as a message card, and the job service's
 * refusals in words. One place, so the same situation reads the same from a card and from text.
 */
import { messageCard, Verb, type CardButton, type MessageTone } from '../cards/index.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { SubmitResult } from '../jobs/results.js';
import { CommandMistake } from './mistake.js';

export function mistakeCard(mistake: CommandMistake, actions: CardButton[] = []): AdaptiveCard {
  return messageCard({
    title: mistake.problem,
    text: mistake.hint ?? '',
    tone: 'warning',
    example: mistake.example,
    actions,
  });
}

export function noticeCard(tone: MessageTone, title: string, text: string, actions: CardButton[] = []): AdaptiveCard {
  return messageCard({ title, text, tone, actions });
}

/** Refusals that read the same whichever way the run was asked for. */
export function refusalCard(result: Exclude<SubmitResult, { kind: 'started' | 'pending_approval' | 'duplicate' | 'invalid' | 'unknown_runbook' }>): AdaptiveCard {
  switch (result.kind) {
    case 'denied':
      return noticeCard('error', `You may not run ${result.runbook} here.`, `${result.reason} (policy rule ${result.rule})`);
    case 'expired_form':
      return noticeCard('warning', 'This form expired.', result.message, [{ title: `Open ${result.runbook} again`, verb: Verb.openForm, data: { runbook: result.runbook } }]);
    case 'forbidden_form':
      return noticeCard('error', 'Nothing was run.', result.reason);
    case 'rate_limited':
      return noticeCard('warning', 'Slow down a little.', result.message);
    case 'unavailable':
      return noticeCard('warning', 'The run could not be started.', [result.reason, result.hint].filter(Boolean).join(' '));
  }
}

/** The mistake for values the validator refused, with every reason and a command that works. */
export function invalidValues(runbookName: string, messages: string[], example: string): CommandMistake {
  return new CommandMistake(
    messages.length === 1 ? messages[0] : `${messages.length} values of ${runbookName} need fixing.`,
    messages.length === 1 ? undefined : messages.join('\n'),
    example,
  );
}
