import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLiveCatalog, type LiveCatalog } from '../../src/catalog/live-catalog.js';
import { createLogger, silentLogger } from '../../src/logging/logger.js';
import { runbookFixture } from '../support/runbook-fixtures.js';
import type { RunbookDefinition } from '../../src/domain/runbook.js';
import { nextChange } from './script-fixtures.js';

const script = (category: string, parameter = 'Server') => `<#\n.SYNOPSIS\n  Test script.\n.NOTES\n  Category: ${category}\n#>\nparam([Parameter(Mandatory)][string]$${parameter})\n`;

describe('catalog: live catalog', () => {
  let dir: string;
  let catalog: LiveCatalog | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-catalog-'));
    await writeFile(path.join(dir, 'Restart-AppPool.ps1'), script('IIS'));
    await writeFile(path.join(dir, 'check_disk.py'), '"""Check disk.\n\nCategory: Storage\n"""\nimport argparse\nargparse.ArgumentParser().add_argument("host")\n');
    await writeFile(path.join(dir, 'Get-Sessions.ps1'), script('iis'));
  });

  afterEach(async () => {
    await catalog?.close();
    catalog = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const open = async (watch = true) => (catalog = await createLiveCatalog({ runbooksDir: dir, logger: silentLogger(), watch }));

  it('loads the folder at start: list, case-insensitive get, categories with counts, byCategory', async () => {
    const c = await open(false);
    expect(c.list().map((r) => r.name)).to.deep.equal(['check_disk', 'Get-Sessions', 'Restart-AppPool']);
    expect(c.get('restart-apppool')?.file).to.equal('Restart-AppPool.ps1');
    expect(c.get('nope')).to.equal(undefined);
    expect(c.categories()).to.deep.equal([{ name: 'IIS', count: 2 }, { name: 'Storage', count: 1 }]);
    expect(c.byCategory('iis').map((r) => r.name)).to.deep.equal(['Get-Sessions', 'Restart-AppPool']);
    expect(c.suggest('Restart-AppPol')).to.deep.equal(['Restart-AppPool']);
    expect(c.search('disk').map((h) => h.runbook.name)).to.deep.equal(['check_disk']);
    expect(c.problems()).to.deep.equal([]);
    expect(() => (c.list() as RunbookDefinition[]).reverse(), 'the shared list is frozen').to.throw(TypeError);
    c.byCategory('iis').reverse();
    expect(c.byCategory('iis')[0].name, 'callers get copies of the other lists').to.equal('Get-Sessions');
    expect(c.list()[0].name).to.equal('check_disk');
  });

  it('logs every problem with file, line and reason', async () => {
    await writeFile(path.join(dir, 'Broken.ps1'), 'param(\n  [hashtable]$Settings\n)\n');
    const lines: string[] = [];
    const destination = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
    catalog = await createLiveCatalog({ runbooksDir: dir, logger: createLogger('info', destination) });
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'warn');
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ file: 'Broken.ps1', line: 2, msg: 'runbook script not understood' });
    expect(warnings[0].reason).to.match(/type \[hashtable\]/);
  });

  it('adds, edits and deletes runbooks as files change, re-parsing only the changed file', async () => {
    const c = await open();
    const untouched = c.get('check_disk');

    const added = nextChange(c, (list) => list.some((r) => r.name === 'New-Repo'));
    await writeFile(path.join(dir, 'New-Repo.ps1'), script('GitHub', 'RepoName'));
    await added;
    expect(c.get('New-Repo')?.parameters.map((p) => p.name)).to.deep.equal(['RepoName']);

    const edited = nextChange(c, () => c.get('Restart-AppPool')?.parameters[0].name === 'Pool');
    await writeFile(path.join(dir, 'Restart-AppPool.ps1'), script('IIS', 'Pool'));
    await edited;
    expect(c.get('check_disk'), 'unchanged scripts keep their parsed definition').to.equal(untouched);

    const deleted = nextChange(c, (list) => !list.some((r) => r.name === 'Get-Sessions'));
    await rm(path.join(dir, 'Get-Sessions.ps1'));
    await deleted;
    expect(c.categories()).to.deep.equal([{ name: 'GitHub', count: 1 }, { name: 'IIS', count: 1 }, { name: 'Storage', count: 1 }]);
  });

  it('takes a script out with a problem when an edit breaks it, and back when fixed', async () => {
    const c = await open();
    const broken = nextChange(c, () => c.problems().length > 0);
    await writeFile(path.join(dir, 'Restart-AppPool.ps1'), 'param(\n  [Parameter(Mandatory]\n  [string]$Server\n)\n');
    await broken;
    expect(c.get('Restart-AppPool')).to.equal(undefined);
    expect(c.problems()).to.have.length(1);
    expect(c.problems()[0]).to.include({ file: 'Restart-AppPool.ps1', line: 2 });

    const fixed = nextChange(c, () => c.problems().length === 0);
    await writeFile(path.join(dir, 'Restart-AppPool.ps1'), script('IIS'));
    await fixed;
    expect(c.get('Restart-AppPool')?.category).to.equal('IIS');
  });

  it('picks up a new folder of scripts and forgets a deleted folder', async () => {
    const c = await open();
    const added = nextChange(c, (list) => list.some((r) => r.name === 'Sql-Blocking'));
    await mkdir(path.join(dir, 'sql', 'reports'), { recursive: true });
    await writeFile(path.join(dir, 'sql', 'reports', 'Sql-Blocking.ps1'), script('SQL'));
    await added;
    expect(c.get('sql-blocking')?.file).to.equal('sql/reports/Sql-Blocking.ps1');

    const removed = nextChange(c, (list) => !list.some((r) => r.name === 'Sql-Blocking'));
    await rm(path.join(dir, 'sql'), { recursive: true });
    await removed;
    expect(c.list()).to.have.length(3);
  });

  it('keeps the first file (in path order) when a duplicate name appears, and reports the other', async () => {
    const c = await open();
    const duplicate = nextChange(c, () => c.problems().length === 1);
    await mkdir(path.join(dir, 'zz'));
    await writeFile(path.join(dir, 'zz', 'restart-apppool.py'), '"""Same name."""\n');
    await duplicate;
    expect(c.get('Restart-AppPool')?.file).to.equal('Restart-AppPool.ps1');
    expect(c.problems()[0]).to.include({ file: 'zz/restart-apppool.py', line: 1 });
    expect(c.problems()[0].reason).to.match(/already used by Restart-AppPool\.ps1/);
  });

  it('reloadFile re-reads one script without a watcher (absolute or relative path)', async () => {
    const c = await open(false);
    await writeFile(path.join(dir, 'Added.ps1'), script('Jenkins'));
    expect(c.get('Added')).to.equal(undefined);
    await c.reloadFile(path.join(dir, 'Added.ps1'));
    expect(c.get('Added')?.category).to.equal('Jenkins');
    await rm(path.join(dir, 'Added.ps1'));
    await c.reloadFile('Added.ps1');
    expect(c.get('Added')).to.equal(undefined);
  });

  it('merges runbooks published in Azure Automation and notifies listeners', async () => {
    const c = await open(false);
    const local = c.get('Restart-AppPool')!;
    const changed = nextChange(c);
    c.setPublished([
      runbookFixture({ name: 'Azure-Only', language: 'powershell', file: undefined, source: 'azure' }),
      { ...local, source: 'azure', contentHash: 'f'.repeat(64), parameters: [] },
    ]);
    const runbooks = await changed;
    expect(runbooks.map((r) => [r.name, r.source])).to.deep.include.members([['Azure-Only', 'azure'], ['Restart-AppPool', 'local+azure']]);
    expect(c.get('Restart-AppPool')?.drift).to.deep.equal([
      'parameter Server is not in the published runbook',
      `content differs from the published runbook (local sha256 ${local.contentHash.slice(0, 12)}…, published ffffffffffff…)`,
    ]);
    expect(c.byCategory('Tests').map((r) => r.name)).to.deep.equal(['Azure-Only']);
  });

  it('reports a missing folder as a problem instead of failing, and recovers on reload', async () => {
    const missing = path.join(dir, 'not-there');
    const c = (catalog = await createLiveCatalog({ runbooksDir: missing, logger: silentLogger(), watch: true }));
    expect(c.list()).to.deep.equal([]);
    expect(c.problems()).to.have.length(1);
    expect(c.problems()[0]).to.include({ file: missing, line: 0 });
    expect(c.problems()[0].reason).to.match(/runbooks folder cannot be read: .*ENOENT.*set RUNBOOKS_DIR/);

    await mkdir(missing);
    await writeFile(path.join(missing, 'Later.ps1'), script('General'));
    await c.reload();
    expect(c.list().map((r) => r.name)).to.deep.equal(['Later']);
    expect(c.problems()).to.deep.equal([]);
  });

  it('keeps notifying other listeners when one throws, and stops after unsubscribe', async () => {
    const c = await open(false);
    const calls: string[] = [];
    c.onChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = c.onChange(() => calls.push('second'));
    await writeFile(path.join(dir, 'One.ps1'), script('A'));
    await c.reloadFile('One.ps1');
    unsubscribe();
    await writeFile(path.join(dir, 'Two.ps1'), script('A'));
    await c.reloadFile('Two.ps1');
    expect(calls).to.deep.equal(['second']);
    expect(c.get('Two')).to.not.equal(undefined);
  });
});
