/**
 * Catalog import: runbooks published in Automation accounts become RunbookDefinitions built from
 * the runbook resource's own metadata, refreshed cheaply, with failures and duplicates reported.
 */
import { expect } from 'chai';
import type { RunbookDefinition } from '../../src/domain/runbook.js';
import type { AzureRunbook } from '../../src/execution/azure/arm-types.js';
import { parameterType, parseDefault, startRunbookImport, toRunbookDefinition, type ImportReport, type RunbookImport } from '../../src/execution/azure/runbook-import.js';
import { startFakeArm, TEST_ACCOUNT, type FakeArm } from '../support/fake-arm.js';
import { armClient } from './support.js';

describe('Azure runbook import', () => {
  describe('toRunbookDefinition', () => {
    const resource: AzureRunbook = {
      name: 'Restart-AppPool',
      tags: { category: 'IIS', target: 'OnPrem-Web', timeout: '3600', 'switchboard-hash': 'abc123' },
      properties: {
        runbookType: 'PowerShell72',
        state: 'Published',
        description: 'Restarts an IIS application pool.\nUse it when the pool hangs.',
        parameters: {
          Pool: { type: 'System.String', isMandatory: false, position: 1, defaultValue: "'DefaultAppPool'" },
          Server: { type: 'System.String', isMandatory: true, position: 0 },
          Replicas: { type: 'System.Int32', isMandatory: false, position: 2, defaultValue: '2' },
          Force: { type: 'System.Management.Automation.SwitchParameter', isMandatory: false, position: 3, defaultValue: '$false' },
          Credential: { type: 'System.Management.Automation.PSCredential', isMandatory: false, position: 4 },
        },
      },
    };

    it('builds the definition from the resource: parameters in position order with types, required and defaults', () => {
      const definition = toRunbookDefinition(resource);
      expect(definition).to.deep.include({
        name: 'Restart-AppPool',
        language: 'powershell',
        category: 'IIS',
        target: 'OnPrem-Web',
        timeoutSeconds: 3600,
        contentHash: 'abc123',
        source: 'azure',
        synopsis: 'Restarts an IIS application pool.',
      });
      expect(definition.file).to.equal(undefined);
      expect(definition.parameters).to.deep.equal([
        { name: 'Server', type: 'string', required: true, secret: false },
        { name: 'Pool', type: 'string', required: false, secret: false, default: 'DefaultAppPool' },
        { name: 'Replicas', type: 'int', required: false, secret: false, default: 2 },
        { name: 'Force', type: 'switch', required: false, secret: false, default: false },
        { name: 'Credential', type: 'credential', required: false, secret: true },
      ]);
    });

    it('defaults: General category, cloud target, no hash; Python parameters are positional', () => {
      const python = toRunbookDefinition({ name: 'rotate_logs', properties: { runbookType: 'Python3', parameters: { path: { type: 'str', position: 0 } } } });
      expect(python).to.deep.include({ language: 'python', category: 'General', target: 'cloud', timeoutSeconds: 600, contentHash: '' });
      expect(python.parameters[0]).to.include({ name: 'path', positional: true });
    });

    it('maps .NET parameter types', () => {
      expect(
        ['System.Int64', 'Double', 'System.Boolean', 'System.DateTime', 'System.String[]', 'System.Security.SecureString', 'System.Object', undefined].map(parameterType),
      ).to.deep.equal(['int', 'number', 'bool', 'datetime', 'string[]', 'secret', 'string', 'string']);
    });

    it('parses defaults as the script wrote them', () => {
      expect(parseDefault('$true', 'bool')).to.equal(true);
      expect(parseDefault('"3.5"', 'number')).to.equal(3.5);
      expect(parseDefault("@('a', 'b')", 'string[]')).to.deep.equal(['a', 'b']);
      expect(parseDefault('twelve', 'int')).to.equal(undefined);
      expect(parseDefault("'s3cret'", 'secret')).to.equal(undefined);
    });
  });

  describe('startRunbookImport', () => {
    let fake: FakeArm;
    let importer: RunbookImport | undefined;
    const second = { ...TEST_ACCOUNT, name: 'dr', accountName: 'DrAutomationAccount' };

    beforeEach(async () => {
      fake = await startFakeArm();
    });

    afterEach(async () => {
      importer?.stop();
      await fake.close();
    });

    /** Starts the import and resolves with each delivery in turn. */
    function deliveries(): () => Promise<{ definitions: RunbookDefinition[]; report: ImportReport }> {
      const queue: { definitions: RunbookDefinition[]; report: ImportReport }[] = [];
      const waiting: ((value: { definitions: RunbookDefinition[]; report: ImportReport }) => void)[] = [];
      importer = startRunbookImport({
        clients: [armClient(fake), armClient(fake, second)],
        intervalMs: 3_600_000,
        onDefinitions: (definitions, report) => {
          const delivery = { definitions, report };
          const next = waiting.shift();
          if (next) next(delivery);
          else queue.push(delivery);
        },
      });
      return () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiting.push(resolve)));
    }

    it('imports published runbooks of every account (not New drafts), first account winning a shared name', async () => {
      fake.account().addRunbook({ name: 'Restart-AppPool', parameters: { Server: { type: 'System.String', isMandatory: true, position: 0 } } });
      fake.account().addRunbook({ name: 'Draft-Only', state: 'New' });
      fake.account().addRunbook({ name: 'Being-Edited', state: 'Edit' });
      fake.account(second).addRunbook({ name: 'restart-apppool' });
      fake.account(second).addRunbook({ name: 'Failover-Sql', runbookType: 'Python3' });
      const next = deliveries();
      const { definitions, report } = await next();
      expect(definitions.map((d) => d.name).sort()).to.deep.equal(['Being-Edited', 'Failover-Sql', 'Restart-AppPool']);
      expect(definitions.find((d) => d.name === 'Restart-AppPool')!.parameters.map((p) => p.name)).to.deep.equal(['Server']);
      expect(report.accountOf.get('restart-apppool')).to.equal('prod');
      expect(report.accountOf.get('failover-sql')).to.equal('dr');
      expect(report.duplicates).to.deep.equal([{ runbook: 'Restart-AppPool', accounts: ['prod', 'dr'] }]);
      expect(report.failures).to.deep.equal([]);
    });

    it('re-reads only runbooks that changed since the previous refresh', async () => {
      const changing = fake.account().addRunbook({ name: 'Restart-AppPool' });
      fake.account().addRunbook({ name: 'Get-DiskSpace' });
      const next = deliveries();
      await next();
      const before = fake.requests.length;
      changing.description = 'Restarts a pool.';
      fake.account().touch(changing);
      await importer!.refresh();
      const { definitions } = await next();
      const gets = fake.requests.slice(before).filter((r) => /\/runbooks\/[^/]+$/.test(r.path)).map((r) => r.path.split('/').pop());
      expect(gets).to.deep.equal(['Restart-AppPool']);
      expect(definitions.find((d) => d.name === 'Restart-AppPool')!.synopsis).to.equal('Restarts a pool.');
    });

    it('keeps an account\'s previous runbooks when it cannot be read, and reports why', async () => {
      fake.account().addRunbook({ name: 'Restart-AppPool' });
      fake.account(second).addRunbook({ name: 'Failover-Sql' });
      const next = deliveries();
      await next();
      fake.setFault({ kind: 403, times: Infinity, when: (r) => r.path.includes('DrAutomationAccount') });
      await importer!.refresh();
      const { definitions, report } = await next();
      expect(definitions.map((d) => d.name).sort()).to.deep.equal(['Failover-Sql', 'Restart-AppPool']);
      expect(report.failures.map((f) => [f.account, f.error.code])).to.deep.equal([['dr', 'forbidden']]);
      expect(report.failures[0].error.hint).to.contain('Automation Runbook Operator');
    });
  });
});
