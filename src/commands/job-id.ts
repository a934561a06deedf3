/**
 * A job id as typed: `4k2x7m`, `#4k2x7m`, `job-4k2x7m` or in capitals all name the same job.
 */
import type { CommandInfo } from './command-list.js';
import { CommandMistake } from './mistake.js';

export function requireJobId(typed: string | undefined, command: CommandInfo): string {
  const id = (typed ?? '').trim().toLowerCase().replace(/^#|^job[-#]?/, '');
  if (!/^[a-z0-9]{3,20}$/.test(id))
    throw new CommandMistake(
      typed ? `"${typed}" is not a job id.` : `${command.name} needs a job id.`,
      'Job ids are the short codes on job cards (job 4k2x7m); jobs lists yours.',
      command.example,
    );
  return id;
}

export function noSuchJob(id: string): CommandMistake {
  return new CommandMistake(`There is no job ${id} you can see here.`, 'Type jobs for your recent jobs, or open it in the conversation where it ran.', 'jobs');
}
