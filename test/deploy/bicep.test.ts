/**
 * Structural checks of deploy/ (no Bicep compiler is available from npm or Debian here): the
 * parameters file matches the template's parameters and holds no secrets, every resource the
 * deployment promises is declared with an API version, the web app's settings are the ones
 * Switchboard's configuration reads (and loadConfig accepts them), and the roles stay least
 * privilege.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { mallocEnvironment } from '../support/dockerfile.js';

const DEPLOY = path.resolve(import.meta.dirname, '../../deploy');
const main = readFileSync(path.join(DEPLOY, 'main.bicep'), 'utf8');
const module = readFileSync(path.join(DEPLOY, 'modules', 'automation-access.bicep'), 'utf8');
const parameters = JSON.parse(readFileSync(path.join(DEPLOY, 'main.parameters.json'), 'utf8')) as { parameters: Record<string, { value: unknown }> };

/** `param name type [= default]` declarations of a Bicep file. */
function params(bicep: string): Map<string, { type: string; hasDefault: boolean }> {
  const found = new Map<string, { type: string; hasDefault: boolean }>();
  for (const match of bicep.matchAll(/^param (\w+) (\w+)( =)?/gm)) found.set(match[1], { type: match[2], hasDefault: Boolean(match[3]) });
  return found;
}

/** `resource symbol 'Type@version'` declarations (also `existing` ones). */
function resources(bicep: string): { symbol: string; type: string; apiVersion: string }[] {
  return [...bicep.matchAll(/^resource (\w+) '([^@']+)@([^']+)'/gm)].map((m) => ({ symbol: m[1], type: m[2], apiVersion: m[3] }));
}

/** The web app's settings as name → Bicep expression. */
function appSettings(bicep: string): Map<string, string> {
  return new Map([...bicep.matchAll(/\{ name: '([A-Za-z_]+)', value: (.+?) \}$/gm)].map((m) => [m[1], m[2]]));
}

describe('deploy/ Bicep', () => {
  it('declares every parameter the parameters file sets, and the file sets every parameter without a default', () => {
    const declared = params(main);
    for (const name of Object.keys(parameters.parameters)) expect(declared.has(name), `param ${name} in main.bicep`).to.equal(true);
    for (const [name, p] of declared) if (!p.hasDefault) expect(parameters.parameters, `required param ${name}`).to.have.property(name);
  });

  it('keeps secrets out of the parameters file', () => {
    const text = JSON.stringify(parameters);
    for (const name of Object.keys(parameters.parameters)) expect(name).not.to.match(/password|secret|key$|connectionstring|token/i);
    expect(text).not.to.match(/AccountKey=|InstrumentationKey=|SharedAccessSignature|sig=|-----BEGIN/i);
    expect(text).not.to.match(/[A-Za-z0-9+/]{40,}={0,2}/); // no long base64 blobs (keys)
  });

  it('declares the identity, bot with its Teams channel, App Service, monitoring, storage and Key Vault with API versions', () => {
    const declared = resources(main);
    const types = declared.map((r) => r.type);
    expect(types).to.include.members([
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.BotService/botServices',
      'Microsoft.BotService/botServices/channels',
      'Microsoft.Web/serverfarms',
      'Microsoft.Web/sites',
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.Insights/components',
      'Microsoft.Storage/storageAccounts',
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets',
      'Microsoft.Authorization/roleAssignments',
    ]);
    for (const r of [...declared, ...resources(module)]) expect(r.apiVersion, `${r.type} api version`).to.match(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
    expect(resources(module).map((r) => r.type)).to.include.members([
      'Microsoft.Automation/automationAccounts',
      'Microsoft.Automation/automationAccounts/hybridRunbookWorkerGroups',
      'Microsoft.Authorization/roleAssignments',
    ]);
  });

  it('makes the bot a user-assigned managed identity bot with the Teams channel enabled', () => {
    expect(main).to.match(/msaAppType: 'UserAssignedMSI'/);
    expect(main).to.match(/msaAppId: identity\.properties\.clientId/);
    expect(main).to.match(/msaAppMSIResourceId: identity\.id/);
    expect(main).to.match(/msaAppTenantId: identity\.properties\.tenantId/);
    expect(main).to.match(/name: 'MsTeamsChannel'[\s\S]*channelName: 'MsTeamsChannel'[\s\S]*isEnabled: true/);
    expect(main).to.match(/endpoint: 'https:\/\/\$\{web\.properties\.defaultHostName\}\/api\/messages'/);
  });

  it('runs the web app on Linux, Node 22 LTS, with the /readyz health check, HTTPS only', () => {
    expect(main).to.include("linuxFxVersion: 'NODE|22-lts'");
    expect(main).to.include("healthCheckPath: '/readyz'");
    expect(main).to.match(/reserved: true/);
    expect(main).to.match(/httpsOnly: true/);
    expect(main).to.match(/type: 'UserAssigned'/);
  });

  it('sets app settings that Switchboard reads, and loadConfig accepts them as a production configuration', () => {
    const settings = appSettings(main);
    const configSource = readFileSync(path.resolve(import.meta.dirname, '../../src/config.ts'), 'utf8');
    // Read by libraries rather than src/config.ts: @azure/identity and the App Service build.
    const readElsewhere = new Set(['AZURE_CLIENT_ID', 'SCM_DO_BUILD_DURING_DEPLOYMENT', ...Object.keys(mallocEnvironment())]);
    for (const name of settings.keys()) if (!readElsewhere.has(name)) expect(configSource, `${name} is read by src/config.ts`).to.include(name);
    expect(settings.get('AZURE_TABLES_CONNECTION_STRING')).to.match(/^'@Microsoft\.KeyVault\(SecretUri=/);
    expect(main).to.match(/keyVaultReferenceIdentity: identity\.id/);

    // What App Service would hand the process, with the Bicep expressions resolved to examples.
    const example: Record<string, string> = {
      MicrosoftAppId: '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11',
      MicrosoftAppTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AZURE_CLIENT_ID: '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000001',
      AZURE_TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      AZURE_SUBSCRIPTION_ID: '11111111-2222-3333-4444-555555555555',
      AZURE_RESOURCE_GROUP: 'ops',
      AZURE_AUTOMATION_ACCOUNT: 'aa-ops-automation',
      POLICY_FILE: 'policy.yaml',
      AZURE_TABLES_PREFIX: 'switchboard',
    };
    const env: Record<string, string> = { PORT: '8080' };
    for (const [name, value] of settings) env[name] = /^'[^'$]*'$/.test(value) ? value.slice(1, -1) : example[name];
    for (const [name, value] of Object.entries(env)) expect(value, `example value for ${name}`).to.be.a('string');
    const config = loadConfig(env, '/home/site/wwwroot');
    expect(config.bot.appType).to.equal('UserAssignedMSI');
    expect(config.development).to.equal(false);
    expect(config.store.kind).to.equal('azure-tables');
    expect(config.executor.kind).to.equal('azure');
    expect(config.executor.azure.accounts[0]).to.include({ accountName: 'aa-ops-automation', resourceGroup: 'ops' });
    expect(config.appInsightsConnectionString).to.include('InstrumentationKey=');
    expect(config.host).to.equal('0.0.0.0');
  });

  it('gives the web app the same glibc malloc settings as the container image', () => {
    const settings = appSettings(main);
    const malloc = Object.entries(mallocEnvironment());
    expect(malloc).to.have.length(3);
    for (const [name, value] of malloc) expect(settings.get(name), name).to.equal(`'${value}'`);
  });

  it('grants the identity only Automation Job Operator, Automation Runbook Operator and Key Vault Secrets User', () => {
    const roleIds = [...`${main}\n${module}`.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)].map((m) => m[1]);
    expect(new Set(roleIds)).to.deep.equal(
      new Set([
        '4fe576fe-1146-4730-92eb-48519fa6bf9f', // Automation Job Operator
        '5fb5aef8-1081-4b8e-bb16-9d5d0385bab5', // Automation Runbook Operator
        '4633458b-17de-408a-b874-0445c86b69e6', // Key Vault Secrets User
      ]),
    );
    expect(module).to.match(/scope: automationAccount/);
    expect(main).to.match(/scope: vault/);
  });

  it('passes every parameter the Automation module declares, and the module file exists', () => {
    const call = /module automation 'modules\/automation-access\.bicep' = \{[\s\S]*?params: \{([\s\S]*?)\n {2}\}/.exec(main);
    expect(call, 'module call').to.not.equal(null);
    const passed = new Set([...call![1].matchAll(/^\s+(\w+):/gm)].map((m) => m[1]));
    for (const name of params(module).keys()) expect(passed.has(name), `module param ${name}`).to.equal(true);
  });

  it('balances its braces and brackets (a cheap syntax check without the compiler)', () => {
    for (const [file, text] of [['main.bicep', main], ['automation-access.bicep', module]] as const) {
      const code = withoutStringsAndComments(text);
      for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']]) {
        expect(code.split(open).length, `${file} ${open}${close}`).to.equal(code.split(close).length);
      }
    }
  });
});

/** Bicep source without comments and string contents (strings can hold braces and "//"). */
function withoutStringsAndComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === "'") inString = false;
    } else if (c === "'") inString = true;
    else if (c === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
    else out += c;
  }
  return out;
}
