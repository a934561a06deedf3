/**
 * Builds the Policy the rest of the bot asks, from configuration:
 *   - POLICY_FILE set: the file's rules, re-read on change, groups from Microsoft Graph;
 *   - no file, development mode: everyone may run everything (rule "development-default");
 *   - no file otherwise: nothing may run (rule "default-deny"), with a warning at startup.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import type { Config } from '../config.js';
import type { Logger } from '../logging/logger.js';
import { EMPTY_DIRECTORY, GraphDirectory, type Directory } from './graph-directory.js';
import { PolicyFileSource } from './policy-file-source.js';
import { DEVELOPMENT_POLICY, NO_POLICY, PolicyEngine } from './policy-engine.js';

export interface PolicyDependencies {
  logger: Logger;
  /** Token source for Microsoft Graph; default DefaultAzureCredential (managed identity in Azure). */
  credential?: TokenCredential;
  /** Replaces the Graph directory entirely (e.g. EMPTY_DIRECTORY). */
  directory?: Directory;
}

export interface PolicyService {
  policy: PolicyEngine;
  /** The file watcher when a policy file is in use (tests await its reloads). */
  file?: PolicyFileSource;
  close(): void;
}

/** Throws PolicyFileError listing every problem when the policy file is not valid. */
export async function createPolicy(config: Config, deps: PolicyDependencies): Promise<PolicyService> {
  const { logger } = deps;
  if (!config.policyFile) {
    const document = config.development ? DEVELOPMENT_POLICY : NO_POLICY;
    if (!config.development) logger.warn('No POLICY_FILE is configured: every run is denied. See docs/security.md.');
    // The built-in policies name no groups or UPNs, so they never need Graph.
    return { policy: new PolicyEngine({ current: () => document }, deps.directory ?? EMPTY_DIRECTORY, logger), close() {} };
  }
  const file = await PolicyFileSource.open(config.policyFile, logger);
  const directory =
    deps.directory ??
    // Graph is only called when a rule names a group or a UPN, so building the client costs nothing.
    new GraphDirectory({ endpoint: config.graphEndpoint, credential: deps.credential ?? new DefaultAzureCredential() });
  return { policy: new PolicyEngine(file, directory, logger), file, close: () => file.close() };
}
