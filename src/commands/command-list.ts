/**
 * The text commands, as users see them in `help` and in "did you mean". Handlers live one per
 * file next to this list; the router (text-router.ts) maps each name to its handler.
 */
export interface CommandInfo {
  name: string;
  usage: string;
  summary: string;
  example: string;
}

export const COMMANDS = [
  { name: 'help', usage: 'help [runbook]', summary: 'What the bot can do, or how to use one runbook', example: 'help Get-DiskSpace' },
  { name: 'menu', usage: 'menu', summary: 'The menu: categories, search, what is new, your jobs', example: 'menu' },
  { name: 'search', usage: 'search <words>', summary: 'Find runbooks by name, description, category or tag', example: 'search disk' },
  {
    name: 'run',
    usage: 'run <runbook> -Param value -Switch | run <runbook> param=value',
    summary: 'Run a runbook; put values with spaces in quotes',
    example: `run Restart-AppPool -Server web01 -Pool "api pool"`,
  },
  { name: 'history', usage: 'history <runbook>', summary: 'Who ran a runbook, when, with which values and how it went', example: 'history Restart-AppPool' },
  { name: 'new', usage: 'new [since <date>]', summary: 'Runbooks added or changed since you last asked (or since a date)', example: 'new since 2025-03-01' },
  { name: 'jobs', usage: 'jobs', summary: 'Your recent jobs', example: 'jobs' },
  { name: 'job', usage: 'job <id>', summary: 'The card of one job', example: 'job 4k2x' },
  { name: 'cancel', usage: 'cancel <id>', summary: 'Stop a running job', example: 'cancel 4k2x' },
  { name: 'friction', usage: 'friction <text>', summary: 'Tell the runbook owners what got in your way', example: 'friction the disk report takes 10 minutes' },
  { name: 'frictions', usage: 'frictions', summary: 'What people reported as friction', example: 'frictions' },
  { name: 'audit', usage: 'audit [job id]', summary: 'The audit log (auditors only)', example: 'audit' },
] as const satisfies readonly CommandInfo[];

export type CommandName = (typeof COMMANDS)[number]['name'];

export function commandInfo(name: CommandName): CommandInfo {
  return COMMANDS.find((c) => c.name === name)!;
}
