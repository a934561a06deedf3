// The Automation account Switchboard runs jobs on, in its own resource group: created here or an
// existing one, optionally with a Hybrid Runbook Worker group, and the two least-privilege roles
// the bot's identity needs there:
//   Automation Job Operator      create, read, stop jobs; read job streams and output; read
//                                Hybrid Runbook Worker groups (to offer them on forms)
//   Automation Runbook Operator  read runbooks and their parameters (to start jobs of them)
// Importing and publishing runbooks (npm run publish) is not granted: a person or pipeline with
// Automation Contributor does that.

@description('Name of the Automation account.')
param automationAccountName string

@description('Create the Automation account (true) or use an existing one of that name (false).')
param createAutomationAccount bool

param location string

@description('Principal (object) id of the bot\'s user-assigned managed identity.')
param principalId string

@description('Name of a Hybrid Runbook Worker group to create; empty for none. Register workers in it afterwards.')
param hybridWorkerGroupName string

param tags object

var automationJobOperator = '4fe576fe-1146-4730-92eb-48519fa6bf9f'
var automationRunbookOperator = '5fb5aef8-1081-4b8e-bb16-9d5d0385bab5'

resource createdAccount 'Microsoft.Automation/automationAccounts@2023-11-01' = if (createAutomationAccount) {
  name: automationAccountName
  location: location
  tags: tags
  properties: {
    sku: { name: 'Basic' }
    publicNetworkAccess: true
    disableLocalAuth: true
  }
}

resource automationAccount 'Microsoft.Automation/automationAccounts@2023-11-01' existing = {
  name: automationAccountName
  dependsOn: [createdAccount]
}

resource workerGroup 'Microsoft.Automation/automationAccounts/hybridRunbookWorkerGroups@2023-11-01' = if (!empty(hybridWorkerGroupName)) {
  parent: automationAccount
  name: empty(hybridWorkerGroupName) ? 'none' : hybridWorkerGroupName
  properties: {}
}

resource jobOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(automationAccount.id, principalId, automationJobOperator)
  scope: automationAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', automationJobOperator)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource runbookOperator 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(automationAccount.id, principalId, automationRunbookOperator)
  scope: automationAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', automationRunbookOperator)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output automationAccountId string = automationAccount.id
output hybridWorkerGroup string = hybridWorkerGroupName
