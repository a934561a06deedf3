/**
 * npm run publish -- [--dir runbooks] [--account <name>] [--dry-run]
 *
 * Uploads every changed .ps1 / .py script of the runbooks folder to the configured Azure
 * Automation account(s) as a draft and publishes it; unchanged scripts (same content hash as the
 * published runbook) are skipped. Prints one line per runbook and a summary for CI logs; the exit
 * code is 1 when anything failed, 2 for bad arguments or configuration, 0 otherwise.
 *
 * Accounts and endpoint come from the same environment as the bot (see src/config.ts):
 * AZURE_SUBSCRIPTION_ID + AZURE_RESOURCE_GROUP + AZURE_AUTOMATION_ACCOUNT, or
 * AZURE_AUTOMATION_ACCOUNTS. Sign-in is DefaultAzureCredential (azure/login in CI, az login on a
 * laptop). The identity needs the Automation Contributor role on each account.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createAutomationClients, type AutomationClientOptions } from '../execution/azure/automation-client.js';
import { publishScripts, readScripts, type PublishOutcome } from '../execution/azure/runbook-publisher.js';

const USAGE = `Usage: npm run publish -- [--dir runbooks] [--account <name>] [--dry-run]
  --dir       folder with the .ps1 / .py runbooks (default: RUNBOOKS_DIR or ./runbooks)
  --account   publish to this configured account only (default: every configured account)
  --dry-run   list what would be published without changing anything
Example: npm run publish -- --dir runbooks --account prod`;

export interface PublishCliContext {
  env: Record<string, string | undefined>;
  cwd: string;
  print: (line: string) => void;
  /** Client overrides (tests: static credential and trust for the local endpoint). */
  clientOptions?: Partial<Omit<AutomationClientOptions, 'account' | 'armEndpoint'>>;
}

function line(outcome: PublishOutcome): string {
  const label = outcome.result === 'failed' ? 'FAILED' : outcome.result;
  return `${label.padEnd(13)} ${outcome.runbook} [${outcome.account}]${outcome.detail ? ` — ${outcome.detail}` : ''}`;
}

/** Runs the command; returns the process exit code. */
export async function runPublish(argv: string[], context: PublishCliContext): Promise<number> {
  let args: { dir?: string; account?: string; 'dry-run'?: boolean; help?: boolean };
  try {
    args = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string' },
        account: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    context.print(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    context.print(USAGE);
    return 0;
  }

  let config;
  try {
    config = loadConfig(context.env, context.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    context.print(error.message);
    return 2;
  }
  const azure = config.executor.azure;
  if (azure.accounts.length === 0) {
    context.print(
      'No Azure Automation account is configured. Set AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_AUTOMATION_ACCOUNT ' +
        '(or AZURE_AUTOMATION_ACCOUNTS=name=<subscription id>/<resource group>/<account>).',
    );
    return 2;
  }
  const accounts = args.account ? azure.accounts.filter((a) => a.name === args.account) : azure.accounts;
  if (accounts.length === 0) {
    context.print(`Unknown account "${args.account}". Configured accounts: ${azure.accounts.map((a) => a.name).join(', ')}.`);
    return 2;
  }

  const dir = args.dir ? path.resolve(context.cwd, args.dir) : config.runbooksDir;
  let found;
  try {
    found = await readScripts(dir);
  } catch (error) {
    context.print(`Cannot read the runbooks folder ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  for (const problem of found.problems) context.print(`${'FAILED'.padEnd(13)} ${problem.file} — ${problem.reason}`);

  const clients = createAutomationClients({ ...azure, accounts }, context.clientOptions);
  const outcomes: PublishOutcome[] = [];
  for (const client of clients) {
    for (const outcome of await publishScripts(client, found.scripts, { dryRun: Boolean(args['dry-run']) })) {
      context.print(line(outcome));
      outcomes.push(outcome);
    }
  }
  const count = (result: PublishOutcome['result']) => outcomes.filter((o) => o.result === result).length;
  const failed = count('failed') + found.problems.length;
  const changed = args['dry-run'] ? `${count('would publish')} would be published` : `${count('published')} published`;
  context.print(
    `Summary: ${changed}, ${count('unchanged')} unchanged, ${failed} failed — ${found.scripts.length} script(s) in ${dir}, ` +
      `account(s) ${accounts.map((a) => a.name).join(', ')}.`,
  );
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await runPublish(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    print: (text) => console.log(text),
  });
}
