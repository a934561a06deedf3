import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { TableServiceClient } from '@azure/data-tables';
import { expect } from 'chai';
import { silentLogger } from '../../src/logging/logger.js';
import { AzureTablesStore } from '../../src/store/azure-tables/azure-tables-store.js';
import { TABLE_NAMES } from '../../src/store/azure-tables/tables.js';
import { createStore } from '../../src/store/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startAzurite } from '../support/azurite.js';

describe('createStore', function () {
  it('opens a ready SQLite store, creating its folder', async function () {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-factory-'));
    const file = path.join(dir, 'data', 'switchboard.db');
    const store = await createStore({ kind: 'sqlite', path: file }, silentLogger());
    try {
      expect(store).to.be.instanceOf(SqliteStore);
      expect(existsSync(file)).to.equal(true);
      await store.setMarker('29:alice', 'new', 'now');
      expect(await store.getMarker('29:alice', 'new')).to.equal('now');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a ready Azure Tables store with every table created', async function () {
    const azurite = await startAzurite();
    try {
      const seen: string[] = [];
      const recordCalls: PipelinePolicy = { name: 'recordCalls', sendRequest: (request, next) => (seen.push(request.method), next(request)) };
      const store = await createStore(
        { kind: 'azure-tables', connectionString: azurite.connectionString, tablePrefix: 'factory' },
        silentLogger(),
        { azurePolicies: [recordCalls] },
      );
      expect(store).to.be.instanceOf(AzureTablesStore);
      expect(await store.ready()).to.equal(true);
      const service = TableServiceClient.fromConnectionString(azurite.connectionString, { allowInsecureConnection: true });
      const names: string[] = [];
      for await (const table of service.listTables()) names.push(table.name!);
      expect(names.sort()).to.deep.equal(TABLE_NAMES.map((name) => `factory${name}`).sort());
      expect(seen.length, 'table calls pass the extra pipeline policies (dependency telemetry)').to.be.at.least(TABLE_NAMES.length);
      await store.close();
    } finally {
      await azurite.stop();
    }
  });
});
