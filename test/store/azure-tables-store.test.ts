import { randomBytes } from 'node:crypto';
import { TableServiceClient } from '@azure/data-tables';
import { expect } from 'chai';
import { silentLogger } from '../../src/logging/logger.js';
import { AzureTablesStore } from '../../src/store/azure-tables/azure-tables-store.js';
import { TABLE_NAMES } from '../../src/store/azure-tables/tables.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { describeStoreContract, storeUnderTest } from './store-contract.js';

describe('AzureTablesStore against Azurite', function () {
  let azurite: AzuriteTables;
  /** A fresh table prefix per test keeps tests apart on one emulator. */
  const runId = randomBytes(3).toString('hex');
  let testNumber = 0;

  before(async function () {
    azurite = await startAzurite();
  });

  after(async function () {
    await azurite?.stop();
  });

  async function dropTables(prefix: string): Promise<void> {
    const service = TableServiceClient.fromConnectionString(azurite.connectionString, { allowInsecureConnection: true });
    await Promise.all(TABLE_NAMES.map((name) => service.deleteTable(`${prefix}${name}`)));
  }

  describeStoreContract('azure-tables', () => {
    const prefix = `t${runId}n${++testNumber}`;
    return storeUnderTest(
      async () => {
        const store = new AzureTablesStore(azurite.connectionString, prefix, silentLogger());
        await store.init();
        return store;
      },
      () => dropTables(prefix),
    );
  });

  describe('AzureTablesStore specifics', function () {
    it('refuses a table prefix Azure would reject, saying what is allowed', function () {
      for (const prefix of ['9lives', 'has-dash', '', 'x'.repeat(60)])
        expect(() => new AzureTablesStore(azurite.connectionString, prefix, silentLogger())).to.throw(/AZURE_TABLES_PREFIX/);
    });

    it('reports not ready when the storage endpoint does not answer', async function () {
      const unreachable = azurite.connectionString.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:9');
      const store = new AzureTablesStore(unreachable, 'unreachable', silentLogger());
      expect(await store.ready()).to.equal(false);
    });

    it('keeps a job larger than one 64 KiB table property', async function () {
      const prefix = `t${runId}big`;
      const store = new AzureTablesStore(azurite.connectionString, prefix, silentLogger());
      await store.init();
      try {
        const error = 'stack line\n'.repeat(20_000);
        await store.createJob({
          id: 'big',
          runbook: 'Fails-Loudly',
          parameters: {},
          requester: { id: '29:alice', name: 'Alice' },
          conversationKey: 'c',
          target: 'local',
          executor: 'local',
          status: 'failed',
          createdAt: '2024-05-01T00:00:00.000Z',
          error,
        });
        expect((await store.getJob('big'))?.error).to.equal(error);
      } finally {
        await dropTables(prefix);
      }
    });
  });
});
