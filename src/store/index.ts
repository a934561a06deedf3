import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Config } from '../config.js';
import type { Logger } from '../logging/logger.js';
import { AzureTablesStore } from './azure-tables/azure-tables-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/** Builds the configured store and prepares it (migrations / tables), ready to use. */
export async function createStore(
  config: Config['store'],
  logger: Logger,
  options: { azurePolicies?: PipelinePolicy[] } = {},
): Promise<Store> {
  const log = logger.child({ component: 'store', kind: config.kind });
  const store =
    config.kind === 'sqlite'
      ? new SqliteStore(config.path, log)
      : new AzureTablesStore(config.connectionString, config.tablePrefix, log, options.azurePolicies);
  await store.init();
  return store;
}
