/**
 * Typed configuration from environment variables, validated once at startup. Every problem is
 * collected and reported together with what to set, so a misconfigured deployment fails fast
 * with a readable message instead of at the first request.
 *
 * Bot Framework's own variable names (MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType,
 * MicrosoftAppTenantId) are used as-is so botbuilder's ConfigurationBotFrameworkAuthentication
 * reads the same values.
 */
import path from 'node:path';

export interface AzureAutomationAccountConfig {
  /** Short name used in executor names ("azure:<name>") and on cards. */
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
}

export interface Config {
  port: number;
  host: string;
  /** Development mode: playground page, allow-all policy when no policy file, no auth needed. */
  development: boolean;
  logLevel: string;
  bot: {
    appId?: string;
    appPassword?: string;
    appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
    appTenantId?: string;
    /** Tenants whose activities are served; empty = any (only allowed in development). */
    allowedTenants: string[];
    /** Overrides the OpenID metadata URL (tests serve their own keys on loopback). */
    openIdMetadataUrl?: string;
  };
  runbooksDir: string;
  dataDir: string;
  store:
    | { kind: 'sqlite'; path: string }
    | { kind: 'azure-tables'; connectionString: string; tablePrefix: string };
  executor: {
    kind: 'local' | 'azure';
    /** Bytes of output kept per local job before it is cut. */
    outputCapBytes: number;
    azure: {
      accounts: AzureAutomationAccountConfig[];
      /** Resource Manager endpoint; tests point it at a local fake. */
      armEndpoint: string;
      /** Base interval of the batched job tracker. */
      pollIntervalMs: number;
    };
  };
  policyFile?: string;
  graphEndpoint: string;
  appInsightsConnectionString?: string;
  /** Identifies this process in leases (several instances share one store). */
  instanceId: string;
  /** Job tracking when several instances share one store. */
  jobs: {
    /** How long a job's lease lasts unrenewed: how soon another instance takes over a dead one's jobs (renewed at a third of it). */
    leaseTtlMs: number;
    /** How often jobs nobody tracks, expired approvals and undelivered final cards are picked up. */
    resumeEveryMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, problems: string[], min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${key} must be a whole number between ${min} and ${max} (got "${raw}").`);
    return fallback;
  }
  return value;
}

function bool(env: Env, key: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[key]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  problems.push(`${key} must be true or false (got "${env[key]}").`);
  return fallback;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * AZURE_AUTOMATION_ACCOUNTS holds several accounts as
 * `name=subscriptionId/resourceGroup/accountName` separated by `;` or `,`. A single account can
 * also be given with AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, AZURE_AUTOMATION_ACCOUNT.
 */
function azureAccounts(env: Env, problems: string[]): AzureAutomationAccountConfig[] {
  const accounts: AzureAutomationAccountConfig[] = [];
  for (const entry of list(env.AZURE_AUTOMATION_ACCOUNTS)) {
    const match = /^([A-Za-z0-9_-]+)=([^/]+)\/([^/]+)\/([^/]+)$/.exec(entry);
    if (!match) {
      problems.push(
        `AZURE_AUTOMATION_ACCOUNTS entry "${entry}" must look like name=<subscription id>/<resource group>/<account name>.`,
      );
      continue;
    }
    accounts.push({ name: match[1], subscriptionId: match[2], resourceGroup: match[3], accountName: match[4] });
  }
  if (env.AZURE_AUTOMATION_ACCOUNT) {
    const missing = ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP'].filter((k) => !env[k]);
    if (missing.length) problems.push(`AZURE_AUTOMATION_ACCOUNT is set, so ${missing.join(' and ')} must be set too.`);
    else
      accounts.push({
        name: env.AZURE_AUTOMATION_ACCOUNT_NAME ?? 'default',
        subscriptionId: env.AZURE_SUBSCRIPTION_ID!,
        resourceGroup: env.AZURE_RESOURCE_GROUP!,
        accountName: env.AZURE_AUTOMATION_ACCOUNT,
      });
  }
  for (const account of accounts) {
    if (!GUID.test(account.subscriptionId))
      problems.push(`Azure Automation account "${account.name}": subscription id "${account.subscriptionId}" is not a GUID.`);
  }
  const names = accounts.map((a) => a.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) problems.push(`Azure Automation account name "${duplicate}" is used twice; names must be unique.`);
  return accounts;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const appId = env.MicrosoftAppId || undefined;
  const development = bool(env, 'SWITCHBOARD_DEV', !appId, problems);
  const host = env.HOST || (appId ? '0.0.0.0' : '127.0.0.1');
  const appTypeRaw = env.MicrosoftAppType || 'MultiTenant';
  const appTypes = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
  const appType = appTypes.find((t) => t.toLowerCase() === appTypeRaw.toLowerCase());
  if (!appType) problems.push(`MicrosoftAppType must be one of ${appTypes.join(', ')} (got "${appTypeRaw}").`);
  if (appId && appType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword)
    problems.push(`MicrosoftAppPassword is required when MicrosoftAppId is set and MicrosoftAppType is ${appTypeRaw}.`);
  if (appId && appType !== 'MultiTenant' && !env.MicrosoftAppTenantId)
    problems.push(`MicrosoftAppTenantId is required for MicrosoftAppType ${appTypeRaw}.`);

  const dataDir = path.resolve(cwd, env.DATA_DIR || 'data');
  const storeKind = env.STORE || 'sqlite';
  let store: Config['store'] = { kind: 'sqlite', path: path.resolve(dataDir, env.SQLITE_FILE || 'switchboard.db') };
  if (storeKind === 'azure-tables') {
    if (!env.AZURE_TABLES_CONNECTION_STRING)
      problems.push('STORE=azure-tables needs AZURE_TABLES_CONNECTION_STRING (a storage account connection string).');
    store = {
      kind: 'azure-tables',
      connectionString: env.AZURE_TABLES_CONNECTION_STRING ?? '',
      tablePrefix: env.AZURE_TABLES_PREFIX || 'switchboard',
    };
  } else if (storeKind !== 'sqlite') {
    problems.push(`STORE must be sqlite or azure-tables (got "${storeKind}").`);
  }

  const accounts = azureAccounts(env, problems);
  const executorKind = env.EXECUTOR || (accounts.length ? 'azure' : 'local');
  if (executorKind !== 'local' && executorKind !== 'azure')
    problems.push(`EXECUTOR must be local or azure (got "${executorKind}").`);
  if (executorKind === 'azure' && accounts.length === 0)
    problems.push(
      'EXECUTOR=azure needs at least one Automation account: set AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP and AZURE_AUTOMATION_ACCOUNT, or AZURE_AUTOMATION_ACCOUNTS.',
    );

  const config: Config = {
    port: int(env, 'PORT', 3978, problems, 0, 65535),
    host,
    development,
    logLevel: env.LOG_LEVEL || 'info',
    bot: {
      appId,
      appPassword: env.MicrosoftAppPassword || undefined,
      appType: appType ?? 'MultiTenant',
      appTenantId: env.MicrosoftAppTenantId || undefined,
      allowedTenants: list(env.ALLOWED_TENANTS),
      openIdMetadataUrl: env.BOT_OPENID_METADATA_URL || undefined,
    },
    runbooksDir: path.resolve(cwd, env.RUNBOOKS_DIR || 'runbooks'),
    dataDir,
    store,
    executor: {
      kind: executorKind === 'azure' ? 'azure' : 'local',
      outputCapBytes: int(env, 'LOCAL_OUTPUT_CAP_BYTES', 1024 * 1024, problems, 1024),
      azure: {
        accounts,
        armEndpoint: env.AZURE_ARM_ENDPOINT || 'https://management.azure.com',
        pollIntervalMs: int(env, 'AZURE_POLL_INTERVAL_MS', 15000, problems, 100),
      },
    },
    policyFile: env.POLICY_FILE ? path.resolve(cwd, env.POLICY_FILE) : undefined,
    graphEndpoint: env.GRAPH_ENDPOINT || 'https://graph.microsoft.com',
    appInsightsConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING || undefined,
    instanceId: env.INSTANCE_ID || `${process.pid}@${env.WEBSITE_INSTANCE_ID || env.HOSTNAME || 'local'}`,
    jobs: {
      leaseTtlMs: int(env, 'JOB_LEASE_TTL_MS', 60_000, problems, 3_000),
      resumeEveryMs: int(env, 'JOB_RESUME_INTERVAL_MS', 30_000, problems, 500),
    },
  };

  if (!config.development && config.bot.allowedTenants.length === 0 && config.bot.appType === 'MultiTenant')
    problems.push('ALLOWED_TENANTS must list the tenant ids to serve when a MultiTenant bot runs outside development mode.');
  if (problems.length) throw new ConfigError(problems);
  return config;
}
