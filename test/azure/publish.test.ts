/**
 * Publish-on-commit (`npm run publish`): changed scripts are uploaded as drafts and published,
 * unchanged ones skipped by content hash, failures reported per runbook with a non-zero exit.
 */
import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPublish } from '../../src/cli/publish.js';
import { contentHash } from '../../src/execution/azure/runbook-publisher.js';
import { documentedRequest, fakeArmClientOptions, startFakeArm, TEST_ACCOUNT, type FakeAccount, type FakeArm } from '../support/fake-arm.js';

describe('npm run publish', () => {
  let fake: FakeArm;
  let account: FakeAccount;
  let dir: string;
  let lines: string[];

  const RESTART = 'param([Parameter(Mandatory)][string]$Server)\n"Restarting on $Server"\n';
  const ROTATE = 'import sys\nprint("rotating", sys.argv[1])\n';

  beforeEach(async () => {
    fake = await startFakeArm();
    account = fake.account();
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-publish-'));
    await writeFile(path.join(dir, 'Restart-AppPool.ps1'), RESTART);
    await writeFile(path.join(dir, 'rotate_logs.py'), ROTATE);
    await writeFile(path.join(dir, 'README.md'), 'not a runbook');
  });

  afterEach(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  function env(): Record<string, string> {
    return {
      AZURE_SUBSCRIPTION_ID: TEST_ACCOUNT.subscriptionId,
      AZURE_RESOURCE_GROUP: TEST_ACCOUNT.resourceGroup,
      AZURE_AUTOMATION_ACCOUNT: TEST_ACCOUNT.accountName,
      AZURE_AUTOMATION_ACCOUNT_NAME: TEST_ACCOUNT.name,
      AZURE_ARM_ENDPOINT: fake.url,
    };
  }

  async function publish(...args: string[]): Promise<number> {
    lines = [];
    const { credential, tlsOptions, retryOptions, lroPollIntervalMs } = fakeArmClientOptions(fake);
    return runPublish(['--dir', dir, ...args], {
      env: env(),
      cwd: dir,
      print: (line) => lines.push(line),
      clientOptions: { credential, tlsOptions, retryOptions, lroPollIntervalMs },
    });
  }

  function writes(from = 0): string[] {
    return fake.requests.slice(from).filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace(/^.*\/automationAccounts\/[^/]+/, '')}`);
  }

  it('publishes new scripts: .ps1 as PowerShell72, .py as Python3, content and hash tag in place', async () => {
    expect(await publish()).to.equal(0);
    const restart = account.runbooks.get('restart-apppool')!;
    const rotate = account.runbooks.get('rotate_logs')!;
    expect(restart).to.deep.include({ runbookType: 'PowerShell72', state: 'Published', publishedContent: RESTART });
    expect(rotate).to.deep.include({ runbookType: 'Python3', state: 'Published', publishedContent: ROTATE });
    expect(restart.tags['switchboard-hash']).to.equal(contentHash(RESTART));
    expect(writes()).to.deep.equal([
      'PUT /runbooks/Restart-AppPool',
      'PUT /runbooks/Restart-AppPool/draft/content',
      'POST /runbooks/Restart-AppPool/publish',
      'PUT /runbooks/rotate_logs',
      'PUT /runbooks/rotate_logs/draft/content',
      'POST /runbooks/rotate_logs/publish',
    ]);
    expect(lines.at(-1)).to.match(/^Summary: 2 published, 0 unchanged, 0 failed — 2 script\(s\) in .*, account\(s\) prod\.$/);
    expect(lines).to.include.members([`published     Restart-AppPool [prod] — new`, `published     rotate_logs [prod] — new`]);
  });

  it('creates the runbook as a draft with the documented request shape and the account\'s location', async () => {
    await publish();
    const put = fake.requests.find((r) => r.method === 'PUT' && r.path.endsWith('/runbooks/Restart-AppPool'))!;
    const documented = documentedRequest('runbook/createRunbookAsDraft.json').body as { properties: object };
    const body = put.body as { properties: object; location: string };
    expect(Object.keys(documented)).to.include.members(Object.keys(body));
    expect(Object.keys(documented.properties)).to.include.members(Object.keys(body.properties));
    expect(body).to.deep.include({ name: 'Restart-AppPool', location: 'East US 2' });
    expect(body.properties).to.deep.include({ runbookType: 'PowerShell72', draft: {} });
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    await publish();
    const from = fake.requests.length;
    expect(await publish()).to.equal(0);
    expect(writes(from)).to.deep.equal([]);
    expect(lines.at(-1)).to.match(/^Summary: 0 published, 2 unchanged, 0 failed/);
  });

  it('publishes only the script whose content changed', async () => {
    await publish();
    await writeFile(path.join(dir, 'rotate_logs.py'), `${ROTATE}print("done")\n`);
    const from = fake.requests.length;
    expect(await publish()).to.equal(0);
    expect(writes(from)).to.deep.equal(['PUT /runbooks/rotate_logs', 'PUT /runbooks/rotate_logs/draft/content', 'POST /runbooks/rotate_logs/publish']);
    expect(lines).to.include('published     rotate_logs [prod] — changed');
  });

  it('publishes again when a previous run set the hash but never got to publish', async () => {
    account.addRunbook({ name: 'Restart-AppPool', state: 'Edit', tags: { 'switchboard-hash': contentHash(RESTART), owner: 'ops' }, runbookType: 'PowerShell' });
    expect(await publish()).to.equal(0);
    const restart = account.runbooks.get('restart-apppool')!;
    expect(restart).to.deep.include({ state: 'Published', runbookType: 'PowerShell' });
    expect(restart.tags).to.deep.equal({ 'switchboard-hash': contentHash(RESTART), owner: 'ops' });
    expect(lines).to.include('published     Restart-AppPool [prod] — not published yet (state Edit)');
  });

  it('--dry-run lists what would be published and writes nothing', async () => {
    expect(await publish('--dry-run')).to.equal(0);
    expect(writes()).to.deep.equal([]);
    expect(lines.at(-1)).to.match(/^Summary: 2 would be published, 0 unchanged, 0 failed/);
  });

  it('a refused write fails that runbook with the role to grant, publishes the others, exits 1', async () => {
    fake.setFault({ kind: 403, times: Infinity, when: (r) => r.method === 'PUT' && r.path.endsWith('/runbooks/rotate_logs') });
    expect(await publish()).to.equal(1);
    const failed = lines.find((l) => l.startsWith('FAILED'))!;
    expect(failed).to.contain('rotate_logs');
    expect(failed).to.contain('Automation Contributor');
    expect(account.runbooks.get('restart-apppool')!.state).to.equal('Published');
    expect(lines.at(-1)).to.match(/^Summary: 1 published, 0 unchanged, 1 failed/);
  });

  it('a script name Azure would refuse is reported, the rest still published, exit 1', async () => {
    await writeFile(path.join(dir, '2-bad name.ps1'), 'Write-Output 1');
    expect(await publish()).to.equal(1);
    expect(lines.find((l) => l.includes('2-bad name.ps1'))).to.match(/^FAILED .*not a valid Azure runbook name.*Restart-AppPool/);
    expect(account.runbooks.size).to.equal(2);
  });

  it('bad arguments and configuration exit 2 with what to do', async () => {
    expect(await publish('--force')).to.equal(2);
    expect(lines.join('\n')).to.contain('Usage: npm run publish');
    expect(await publish('--account', 'staging')).to.equal(2);
    expect(lines.join('\n')).to.contain('Configured accounts: prod');
    lines = [];
    const code = await runPublish([], { env: {}, cwd: dir, print: (line) => lines.push(line) });
    expect(code).to.equal(2);
    expect(lines.join('\n')).to.contain('AZURE_AUTOMATION_ACCOUNT');
  });
});
