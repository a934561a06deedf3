/**
 * Documented examples the shared fixture folder does not carry, copied unchanged (data only)
 * from Microsoft's REST API specification, Azure/azure-rest-api-specs,
 * specification/automation/resource-manager/Microsoft.Automation/stable/2024-10-23/examples/.
 * Each keeps the fixture layout: `parameters` (path/query values, request body under
 * `parameters.parameters`) and `responses` (status → headers, body).
 */
import type { ArmExample } from './fake-arm.js';

/** examples/getAutomationAccount.json (AutomationAccount_Get). */
const getAutomationAccount: ArmExample = {
  parameters: {
    subscriptionId: 'subid',
    resourceGroupName: 'rg',
    automationAccountName: 'myAutomationAccount9',
    'api-version': '2024-10-23',
  },
  responses: {
    '200': {
      headers: {},
      body: {
        name: 'myAutomationAccount9',
        id: '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/myAutomationAccount9',
        type: 'Microsoft.Automation/AutomationAccounts',
        location: 'East US 2',
        tags: {},
        properties: {
          sku: { name: 'Free' },
          state: 'Ok',
          creationTime: '2017-03-26T01:13:43.267+00:00',
          lastModifiedBy: 'myEmailId@microsoft.com',
          lastModifiedTime: '2017-03-26T01:13:43.267+00:00',
        },
      },
    },
  },
};

/** examples/listHybridRunbookWorkerGroup.json (HybridRunbookWorkerGroup_ListByAutomationAccount). */
const listHybridRunbookWorkerGroup: ArmExample = {
  parameters: {
    subscriptionId: 'subid',
    resourceGroupName: 'rg',
    automationAccountName: 'testaccount',
    'api-version': '2024-10-23',
  },
  responses: {
    '200': {
      headers: {},
      body: {
        value: [
          {
            id: '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/testaccount/hybridRunbookWorkerGroups/TestHybridGroup',
            location: 'East US 2',
            name: 'TestHybridGroup',
            properties: { groupType: 'User', credential: { name: 'myRunAsCredentialName' } },
            systemData: {
              createdBy: 'foo@contoso.com',
              createdByType: 'User',
              createdAt: '2018-04-24T16:30:55+00:00',
              lastModifiedBy: 'foo@contoso.com',
              lastModifiedByType: 'User',
              lastModifiedAt: '2018-04-24T16:30:55+00:00',
            },
          },
        ],
      },
    },
  },
};

/**
 * HybridRunbookWorkers_ListByHybridRunbookWorkerGroup: a `value` page of the worker documented in
 * examples/getHybridRunbookWorker.json (HybridRunbookWorkers_Get).
 */
const listHybridRunbookWorkers: ArmExample = {
  parameters: {
    subscriptionId: 'subid',
    resourceGroupName: 'rg',
    automationAccountName: 'testaccount',
    hybridRunbookWorkerGroupName: 'TestHybridGroup',
    'api-version': '2024-10-23',
  },
  responses: {
    '200': {
      headers: {},
      body: {
        value: [
          {
            name: 'c010ad12-ef14-4a2a-aa9e-ef22c4745ddd',
            type: 'Microsoft.Automation/AutomationAccounts/HybridRunbookWorkerGroups/HybridRunbookWorkers',
            id: '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/testaccount/hybridRunbookWorkerGroups/TestHybridGroup/hybridRunbookWorkers/c010ad12-ef14-4a2a-aa9e-ef22c4745ddd',
            location: 'East US 2',
            properties: {
              ip: '10.0.0.0',
              lastSeenDateTime: '2018-04-24T16:30:55+00:00',
              registeredDateTime: '2018-04-24T16:30:55+00:00',
              vmResourceId: '/subscriptions/vmsubid/resourceGroups/vmrg/providers/Microsoft.Compute/virtualMachines/vmname',
              workerName: 'vmname',
              workerType: 'HybridV2',
            },
            systemData: {
              createdAt: '2018-04-24T16:30:55+00:00',
              createdBy: 'foo@contoso.com',
              createdByType: 'User',
              lastModifiedAt: '2018-04-24T16:30:55+00:00',
              lastModifiedBy: 'foo@contoso.com',
              lastModifiedByType: 'User',
            },
          },
        ],
      },
    },
  },
};

/** examples/runbook/createRunbookAsDraft.json (Runbook_CreateOrUpdate, "Create runbook as draft"). */
const createRunbookAsDraft: ArmExample = {
  parameters: {
    subscriptionId: 'subid',
    resourceGroupName: 'rg',
    automationAccountName: 'ContoseAutomationAccount',
    runbookName: 'Get-AzureVMTutorial',
    'api-version': '2024-10-23',
    parameters: {
      properties: {
        logVerbose: false,
        logProgress: false,
        runbookType: 'PowerShell',
        runtimeEnvironment: 'environmentName',
        description: 'Description of the Runbook',
        draft: {},
      },
      name: 'Get-AzureVMTutorial',
      location: 'East US 2',
      tags: { tag01: 'value01', tag02: 'value02' },
    },
  },
  responses: {
    '201': {
      headers: {},
      body: {
        id: '/subscriptions/subid/resourceGroups/rg/providers/Microsoft.Automation/automationAccounts/ContoseAutomationAccount/runbooks/Get-AzureVMTutorial',
        name: 'Get-AzureVMTutorial',
        type: 'Microsoft.Automation/AutomationAccounts/Runbooks',
        location: 'East US 2',
        tags: { tag01: 'value01', tag02: 'value02' },
        etag: '"636263318837230000"',
        properties: {
          description: 'Description of the Runbook',
          logVerbose: false,
          logProgress: false,
          logActivityTrace: 0,
          parameters: {},
          runbookType: 'PowerShell',
          runtimeEnvironment: 'environmentName',
          state: 'New',
          jobCount: 0,
          provisioningState: 'Succeeded',
          creationTime: '2018-02-09T03:25:59.097+00:00',
          lastModifiedTime: '2018-02-09T03:25:59.097+00:00',
          outputTypes: [],
        },
      },
    },
  },
};

export const SPEC_EXAMPLES: Record<string, ArmExample> = {
  'getAutomationAccount.json': getAutomationAccount,
  'listHybridRunbookWorkerGroup.json': listHybridRunbookWorkerGroup,
  'listHybridRunbookWorkers.json': listHybridRunbookWorkers,
  'runbook/createRunbookAsDraft.json': createRunbookAsDraft,
};
