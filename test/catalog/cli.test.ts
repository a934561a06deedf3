import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { main } from '../../src/cli/catalog.js';
import { SCRIPTS } from './script-fixtures.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('catalog: npm run catalog', () => {
  it('prints every runbook with category, target and parameters, the parse time, and exits 0 when all scripts are understood', async () => {
    const { code, out } = await run(['--dir', path.join(SCRIPTS, 'python')]);
    expect(code).to.equal(0);
    expect(out).to.match(/^NAME\s+CATEGORY\s+TARGET\s+PARAMETERS/);
    expect(out).to.match(/check_disk\s+Storage\s+cloud\s+host\*:string, threshold:number, unit:string\{GB\|TB\}, top\*:int/);
    expect(out).to.match(/3 runbooks, 0 problems in .*python; parsed in \d+ ms/);
  });

  it('prints each problem as file:line: reason and exits 1', async () => {
    const { code, out } = await run(['--dir', path.join(SCRIPTS, 'broken')]);
    expect(code).to.equal(1);
    const relative = path.relative(process.cwd(), path.join(SCRIPTS, 'broken'));
    expect(out).to.include(`${relative}/Broken-Param.ps1:6: the param() block has a syntax error`);
    expect(out).to.include(`${relative}/bad_syntax.py:5: Python syntax error`);
    expect(out.match(/^\S.*:\d+: /gm)).to.have.length(11);
  });

  it('--json gives runbooks, problems and the parse time', async () => {
    const { code, out } = await run(['--json', '--dir', path.join(SCRIPTS, 'broken')]);
    expect(code).to.equal(1);
    const report = JSON.parse(out) as { runbooks: { name: string }[]; problems: { file: string; line: number }[]; parseMs: number };
    expect(report.runbooks.map((r) => r.name), 'Check_Disk.py sorts before check_disk.ps1 and keeps the name').to.deep.equal(['Check_Disk']);
    expect(report.problems).to.have.length(11);
    expect(report.problems[0]).to.have.keys('file', 'line', 'reason');
    expect(report.parseMs).to.be.a('number');
  });

  it('exits 2 with the usage on bad arguments, 0 on --help', async () => {
    for (const args of [['--bogus'], ['--dir'], ['extra']]) {
      const { code, err } = await run(args);
      expect(code, args.join(' ')).to.equal(2);
      expect(err).to.include('Usage: npm run catalog');
    }
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.out).to.include('--dir <folder>');
  });

  it('runs as a command, reading RUNBOOKS_DIR when --dir is not given', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/catalog.ts'], {
      cwd: REPO,
      env: { ...process.env, RUNBOOKS_DIR: path.join(SCRIPTS, 'broken') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).to.equal(1);
    expect(out).to.include('Cloud-Too-Long.ps1:1: Timeout 14400s');
  });
});
