// Switchboard on Azure, in one resource group:
//   user-assigned managed identity  the bot's identity: Bot Framework app (UserAssignedMSI),
//                                   Azure Automation caller, Key Vault reader
//   Azure Bot + Microsoft Teams channel, messaging endpoint https://<web app>/api/messages
//   Linux App Service plan + web app on Node 22 LTS, health check /readyz
//   Log Analytics workspace + Application Insights (workspace-based)
//   Storage account (Azure Table Storage: jobs, conversations, audit for several instances)
//   Key Vault holding the tables connection string, read through a Key Vault reference
//   Automation account access (modules/automation-access.bicep): existing or new account,
//   least-privilege roles, optional Hybrid Runbook Worker group
//
// Deploy:  az deployment group create -g <rg> -f deploy/main.bicep -p deploy/main.parameters.json
// Then:    docs/deploy.md (code, Teams package, adding the bot to a channel).

targetScope = 'resourceGroup'

@description('Azure region of every resource except the bot (which is global).')
param location string = resourceGroup().location

@description('Short prefix of resource names; letters, digits and dashes.')
@minLength(3)
@maxLength(16)
param namePrefix string = 'switchboard'

@description('Display name of the bot in Azure and Teams.')
param botDisplayName string = 'Switchboard'

@description('Azure Bot pricing tier. F0 is free for standard channels such as Teams.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('App Service plan size. B1 or larger: Always On and the health check need a dedicated plan.')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3'])
param appServicePlanSku string = 'B1'

@description('Web app instances. Several instances share jobs and conversations through Table Storage.')
@minValue(1)
@maxValue(10)
param instanceCount int = 1

@description('Automation account the bot runs jobs on.')
param automationAccountName string

@description('Resource group of the Automation account (default: this one).')
param automationResourceGroup string = resourceGroup().name

@description('Create the Automation account (true) or use an existing one (false).')
param createAutomationAccount bool = false

@description('Hybrid Runbook Worker group to create in the Automation account; empty for none.')
param hybridWorkerGroupName string = ''

@description('Policy file in the deployed code (who may run what); without one every run is denied. See docs/security.md.')
param policyFile string = 'policy.yaml'

@description('Prefix of the Table Storage tables.')
param tablePrefix string = 'switchboard'

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

param tags object = { app: 'switchboard' }

var suffix = uniqueString(resourceGroup().id, namePrefix)
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-identity'
  location: location
  tags: tags
}

// ---- monitoring ---------------------------------------------------------------------------

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-insights-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

// ---- state: Table Storage, its connection string in Key Vault --------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(toLower('st${replace(namePrefix, '-', '')}${suffix}'), 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // The store connects with a connection string (account key); see docs/deploy.md.
    allowSharedKeyAccess: true
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${namePrefix}-${suffix}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource tablesConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'tables-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Azure Automation ----------------------------------------------------------------------

module automation 'modules/automation-access.bicep' = {
  name: 'switchboard-automation-access'
  scope: resourceGroup(automationResourceGroup)
  params: {
    automationAccountName: automationAccountName
    createAutomationAccount: createAutomationAccount
    location: location
    principalId: identity.properties.principalId
    hybridWorkerGroupName: hybridWorkerGroupName
    tags: tags
  }
}

// ---- the web app ---------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: '${namePrefix}-${suffix}'
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references are resolved with the bot's identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node dist/index.js'
      healthCheckPath: '/readyz'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Bot Framework: the managed identity is the bot's app registration.
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
        // DefaultAzureCredential picks the user-assigned identity by its client id.
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'STORE', value: 'azure-tables' }
        { name: 'AZURE_TABLES_CONNECTION_STRING', value: '@Microsoft.KeyVault(SecretUri=${tablesConnection.properties.secretUri})' }
        { name: 'AZURE_TABLES_PREFIX', value: tablePrefix }
        { name: 'EXECUTOR', value: 'azure' }
        { name: 'AZURE_SUBSCRIPTION_ID', value: subscription().subscriptionId }
        { name: 'AZURE_RESOURCE_GROUP', value: automationResourceGroup }
        { name: 'AZURE_AUTOMATION_ACCOUNT', value: automationAccountName }
        { name: 'POLICY_FILE', value: policyFile }
        { name: 'SWITCHBOARD_DEV', value: 'false' }
        // glibc malloc settings that let the process give memory back after a burst (see the Dockerfile).
        { name: 'MALLOC_ARENA_MAX', value: '2' }
        { name: 'MALLOC_MMAP_THRESHOLD_', value: '131072' }
        { name: 'MALLOC_TRIM_THRESHOLD_', value: '131072' }
        // Oryx installs dependencies and runs `npm run build` when the code is deployed.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
  dependsOn: [secretsUser]
}

// ---- the bot -------------------------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${namePrefix}-bot-${suffix}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${web.properties.defaultHostName}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

@description('The bot\'s app id: MicrosoftAppId for `npm run package:teams`.')
output botAppId string = identity.properties.clientId
output tenantId string = identity.properties.tenantId
@description('Host name for `npm run package:teams -- --domain`.')
output webAppHostName string = web.properties.defaultHostName
output webAppName string = web.name
output messagingEndpoint string = bot.properties.endpoint
output botName string = bot.name
output automationAccountId string = automation.outputs.automationAccountId
