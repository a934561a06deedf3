/**
 * `npm run catalog [-- --json] [-- --dir <folder>]`: parses the runbooks folder the way the bot
 * does and prints every runbook and every problem (`file:line: reason`).
 * Exit codes: 0 all scripts understood, 1 problems found, 2 bad usage.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createLiveCatalog } from '../catalog/live-catalog.js';
import { loadConfig } from '../config.js';
import type { CatalogProblem, ParameterDefinition, RunbookDefinition } from '../domain/runbook.js';
import { silentLogger } from '../logging/logger.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `Usage: npm run catalog [-- --json] [-- --dir <folder>]
  --dir <folder>  runbooks folder (default: RUNBOOKS_DIR or ./runbooks)
  --json          print the catalog as JSON
Exit code: 0 when every script is understood, 1 when there are problems, 2 on bad usage.`;

const consoleOutput: CliOutput = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export async function main(argv: string[], output: CliOutput = consoleOutput): Promise<number> {
  let options: { json?: boolean; dir?: string; help?: boolean };
  try {
    options = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    output.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    output.out(USAGE);
    return 0;
  }
  const runbooksDir = path.resolve(options.dir ?? loadConfig(process.env).runbooksDir);
  const started = performance.now();
  const catalog = await createLiveCatalog({ runbooksDir, logger: silentLogger() });
  const parseMs = Math.round(performance.now() - started);
  const runbooks = catalog.list();
  const problems = catalog.problems();
  await catalog.close();

  if (options.json) output.out(JSON.stringify({ runbooksDir, parseMs, runbooks, problems }, null, 2));
  else printText(output, { runbooksDir, parseMs, runbooks, problems });
  return problems.length ? 1 : 0;
}

function printText(output: CliOutput, report: { runbooksDir: string; parseMs: number; runbooks: readonly RunbookDefinition[]; problems: CatalogProblem[] }): void {
  const { runbooksDir, parseMs, runbooks, problems } = report;
  const rows = [['NAME', 'CATEGORY', 'TARGET', 'PARAMETERS (* required)'], ...runbooks.map((r) => [r.name, r.category, r.target, r.parameters.map(describeParameter).join(', ')])];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) output.out(row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '));
  if (problems.length) {
    output.out(`\nProblems (these scripts are not in the catalog):`);
    for (const problem of problems) {
      const file = path.relative(process.cwd(), path.resolve(runbooksDir, problem.file)) || '.';
      output.out(problem.line > 0 ? `${file}:${problem.line}: ${problem.reason}` : `${file}: ${problem.reason}`);
    }
  }
  output.out(`\n${runbooks.length} runbooks, ${problems.length} problems in ${runbooksDir}; parsed in ${parseMs} ms`);
}

function describeParameter(parameter: ParameterDefinition): string {
  const choices = parameter.choices ? `{${parameter.choices.join('|')}}` : '';
  return `${parameter.name}${parameter.required ? '*' : ''}:${parameter.type}${choices}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
