/**
 * Friction: anything that got in someone's way, told in a sentence (text `friction <text>`, the
 * "Report friction" button on job cards) and listed for the people who improve the runbooks
 * (`frictions`). A report made from a job card names the job and its runbook.
 */
import { randomUUID } from 'node:crypto';
import { FRICTION_MAX_CHARS, frictionFormCard, frictionListCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import { unsafeCharacterReason } from '../../validation/text-safety.js';
import { commandInfo } from '../command-list.js';
import type { Request } from '../context.js';
import { CommandMistake } from '../mistake.js';
import { noticeCard } from '../replies.js';

const LISTED = 50;

export function frictionForm(jobId: string | undefined): AdaptiveCard {
  return frictionFormCard({ jobId });
}

export async function reportFriction(request: Request, text: string, jobId: string | undefined): Promise<AdaptiveCard> {
  const report = text.trim();
  const example = commandInfo('friction').example;
  if (!report) throw new CommandMistake('Say what got in your way.', 'A sentence is enough: what you tried, what happened.', example);
  if (report.length > FRICTION_MAX_CHARS)
    throw new CommandMistake(`That report is ${report.length} characters long; ${FRICTION_MAX_CHARS} is the most.`, 'Shorten it to the essentials.', example);
  const unsafe = unsafeCharacterReason(report);
  if (unsafe) throw new CommandMistake(`The report ${unsafe}.`, 'Type it again without that character.', example);

  const { store, clock } = request.services;
  const job = jobId ? await store.getJob(jobId) : undefined;
  await store.addFriction({
    id: randomUUID(),
    text: report,
    reporter: request.user,
    conversationKey: request.conversation.key,
    jobId: job?.id,
    runbook: job?.runbook,
    createdAt: clock().toISOString(),
  });
  return noticeCard('info', 'Thanks — your report is in.', `The people who own Switchboard${job ? ` and ${job.runbook}` : ''} read these; frictions lists them.`);
}

export async function frictionList(request: Request): Promise<AdaptiveCard> {
  return frictionListCard({ items: await request.services.store.listFriction(LISTED) });
}
