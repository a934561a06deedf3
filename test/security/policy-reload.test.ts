import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Config } from '../../src/config.js';
import { loadConfig } from '../../src/config.js';
import { EMPTY_DIRECTORY } from '../../src/policy/graph-directory.js';
import { createPolicy } from '../../src/policy/index.js';
import { PolicyFileError } from '../../src/policy/policy-file.js';
import type { ReloadEvent } from '../../src/policy/policy-file-source.js';
import { PERSONAL, capturedLogger, principal, runbook } from './fixtures.js';

const ALLOW_STATUS = `rules:\n  - id: status-for-all\n    effect: allow\n    runbooks: [Get-Status]\n    users: ['*']\n`;
const ALLOW_RESTART = `rules:\n  - id: restart-for-all\n    effect: allow\n    runbooks: [Restart-AppPool]\n    users: ['*']\n`;

describe('policy file loading and reload', () => {
  let dir: string;
  const user = principal('Ada', '0d5c2a11-0000-4000-8000-00000000ada1');
  const status = runbook('Get-Status');
  const restart = runbook('Restart-AppPool');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-policy-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function config(policyFile: string | undefined, development = false): Config {
    const env: Record<string, string> = { SWITCHBOARD_DEV: String(development), ALLOWED_TENANTS: 'contoso' };
    if (policyFile) env.POLICY_FILE = policyFile;
    return loadConfig(env, dir);
  }

  /** Resolves with the next reload event. */
  function nextReload(file: { onReload(listener: (event: ReloadEvent) => void): () => void }): Promise<ReloadEvent> {
    return new Promise((resolve) => {
      const stop = file.onReload((event) => {
        stop();
        resolve(event);
      });
    });
  }

  it('refuses to start with an invalid policy file, listing file:line problems', async () => {
    const file = path.join(dir, 'policy.yaml');
    await writeFile(file, 'rules:\n  - id: a\n    effect: perhaps\n');
    const { logger } = capturedLogger();
    let caught: unknown;
    await createPolicy(config(file), { logger, directory: EMPTY_DIRECTORY }).catch((error) => (caught = error));
    expect(caught).to.be.instanceOf(PolicyFileError);
    expect((caught as Error).message).to.contain(`${file}:3:13: Rule "a": effect must be allow or deny`);
  });

  it('refuses to start when the policy file is missing', async () => {
    const { logger } = capturedLogger();
    let caught: unknown;
    await createPolicy(config(path.join(dir, 'nope.yaml')), { logger, directory: EMPTY_DIRECTORY }).catch((error) => (caught = error));
    expect((caught as Error).message).to.contain('The file does not exist (check POLICY_FILE)');
  });

  it('applies an edited file without restart, and keeps the last good rules when an edit is broken', async () => {
    const file = path.join(dir, 'policy.yaml');
    await writeFile(file, ALLOW_STATUS);
    const { logger, lines } = capturedLogger();
    const service = await createPolicy(config(file), { logger, directory: EMPTY_DIRECTORY });
    try {
      expect(await service.policy.decide(user, restart, PERSONAL, {})).to.include({ effect: 'deny' });

      let reloaded = nextReload(service.file!);
      await writeFile(file, ALLOW_RESTART);
      expect((await reloaded).ok).to.equal(true);
      expect(await service.policy.decide(user, restart, PERSONAL, {})).to.deep.equal({ effect: 'allow', rule: 'restart-for-all' });

      reloaded = nextReload(service.file!);
      await writeFile(file, 'rules:\n  - id: broken\n    effect: allow\n');
      const rejected = await reloaded;
      expect(rejected.ok).to.equal(false);
      expect(await service.policy.decide(user, restart, PERSONAL, {})).to.deep.equal({ effect: 'allow', rule: 'restart-for-all' });
      expect(lines.some((l) => l.includes('policy file change rejected') && l.includes('say which runbooks'))).to.equal(true);

      // Editors save by writing a new file and renaming it over the old one.
      reloaded = nextReload(service.file!);
      await writeFile(path.join(dir, 'policy.yaml.tmp'), ALLOW_STATUS);
      await rename(path.join(dir, 'policy.yaml.tmp'), file);
      expect((await reloaded).ok).to.equal(true);
      expect(await service.policy.decide(user, status, PERSONAL, {})).to.deep.equal({ effect: 'allow', rule: 'status-for-all' });
      expect(await service.policy.decide(user, restart, PERSONAL, {})).to.include({ effect: 'deny', rule: 'default-deny' });
    } finally {
      service.close();
    }
  });

  it('reports one broken save once, however many file events it causes', async () => {
    const file = path.join(dir, 'policy.yaml');
    await writeFile(file, ALLOW_STATUS);
    const { logger, lines } = capturedLogger();
    const service = await createPolicy(config(file), { logger, directory: EMPTY_DIRECTORY });
    try {
      await writeFile(file, 'rules: [');
      expect((await service.file!.reload())?.ok).to.equal(false);
      expect(await service.file!.reload()).to.equal(undefined);
      expect(lines.filter((l) => l.includes('policy file change rejected'))).to.have.length(1);
    } finally {
      service.close();
    }
  });

  it('allows everything in development mode without a policy file', async () => {
    const { logger } = capturedLogger();
    const service = await createPolicy(config(undefined, true), { logger });
    expect(await service.policy.decide(user, restart, PERSONAL, {})).to.deep.equal({ effect: 'allow', rule: 'development-default' });
  });

  it('denies everything outside development without a policy file, and warns at startup', async () => {
    const { logger, lines } = capturedLogger();
    const service = await createPolicy(config(undefined, false), { logger });
    expect(await service.policy.decide(user, status, PERSONAL, {})).to.include({ effect: 'deny', rule: 'default-deny' });
    expect(lines.some((l) => l.includes('No POLICY_FILE is configured'))).to.equal(true);
  });
});
