/**
 * Builds the `parameters` map of Job_Create the way Azure Automation expects it, following
 * Microsoft's own client: Start-AzAutomationRunbook → AutomationPSClient.ProcessRunbookParameters
 * (github.com/Azure/azure-powershell, src/Automation/Automation/Common/AutomationPSClient.cs).
 *
 * - Every value is JSON-serialized (PowerShellJsonConverter.Serialize there): the service
 *   deserializes each value before binding it, so the string web01 travels as "\"web01\"", 5 as
 *   "5", $true as "true" and an array as a JSON array.
 * - PowerShell and PowerShell 7.x runbooks: the keys are the parameter names the *published*
 *   runbook declares; an unknown name or a missing mandatory one is refused before Azure sees it.
 * - Python 2/3 runbooks: values are positional. The cmdlet sends the entries of an ordered
 *   dictionary as "[Parameter 1]", "[Parameter 2]", … and the script receives them as sys.argv[1..]
 *   (Start-AzAutomationRunbook reference, example 2: "ValueForPosition1 as the first positional
 *   parameter" — learn.microsoft.com/powershell/module/az.automation/start-azautomationrunbook).
 *   An argparse option is sent as two positions, its flag then its value, so the same script
 *   runs unchanged locally and in Azure.
 *
 * Secrets are refused: Azure keeps job parameters and shows them to anyone who may read jobs.
 */
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../../domain/runbook.js';
import { ExecutionError } from '../executor.js';
import type { AzureRunbook } from './arm-types.js';

const PYTHON_TYPES = new Set(['python', 'python2', 'python3']);

export function isPythonRunbookType(runbookType: string | undefined): boolean {
  return PYTHON_TYPES.has((runbookType ?? '').toLowerCase());
}

function refuseSecrets(runbook: RunbookDefinition, values: Record<string, ParameterValue>): void {
  const secret = runbook.parameters.find(
    (p) => values[p.name] !== undefined && (p.secret || p.type === 'secret' || p.type === 'credential'),
  );
  if (secret)
    throw new ExecutionError(
      `Parameter "${secret.name}" of runbook "${runbook.name}" is a secret, and Azure Automation stores job parameters where anyone who may read jobs can see them.`,
      'secret_parameter',
      'Keep the secret in an Automation credential or encrypted variable asset, declare the parameter as the asset name ([string] $CredentialName) and read it in the runbook with Get-AutomationPSCredential / Get-AutomationVariable.',
    );
}

function present(value: ParameterValue | undefined): value is ParameterValue {
  return value !== undefined && value !== '';
}

/** Positional argv tokens for one Python parameter (argparse options carry their flag). */
function pythonTokens(parameter: ParameterDefinition, value: ParameterValue): string[] {
  const values = Array.isArray(value) ? value : [String(value)];
  if (parameter.type === 'switch') return value === true ? (parameter.flag ? [parameter.flag] : ['True']) : [];
  return parameter.flag && !parameter.positional ? [parameter.flag, ...values] : values;
}

function pythonParameters(runbook: RunbookDefinition, values: Record<string, ParameterValue>): Record<string, string> {
  const tokens = runbook.parameters.flatMap((p) => (present(values[p.name]) ? pythonTokens(p, values[p.name]) : []));
  const map: Record<string, string> = {};
  tokens.forEach((token, index) => {
    map[`[Parameter ${index + 1}]`] = JSON.stringify(token);
  });
  return map;
}

function powerShellParameters(
  runbook: RunbookDefinition,
  values: Record<string, ParameterValue>,
  published: AzureRunbook,
): Record<string, string> {
  const declared = Object.entries(published.properties.parameters ?? {});
  const azureName = new Map(declared.map(([name]) => [name.toLowerCase(), name]));
  const map: Record<string, string> = {};
  for (const parameter of runbook.parameters) {
    const value = values[parameter.name];
    if (!present(value) || (parameter.type === 'switch' && value !== true)) continue;
    const name = azureName.get(parameter.name.toLowerCase());
    if (!name)
      throw new ExecutionError(
        `Runbook "${runbook.name}" as published in Azure has no parameter "${parameter.name}" (it declares ${declared.map(([n]) => n).join(', ') || 'none'}).`,
        'parameter_mismatch',
        'Publish the current script (npm run publish) so Azure runs the same parameters the form shows.',
      );
    map[name] = JSON.stringify(value);
  }
  const missing = declared.find(([name, meta]) => meta.isMandatory && !(name in map));
  if (missing)
    throw new ExecutionError(
      `Runbook "${runbook.name}" as published in Azure requires parameter "${missing[0]}", which the form did not provide.`,
      'parameter_mismatch',
      'Publish the current script (npm run publish) so the catalog and Azure agree on the parameters.',
    );
  return map;
}

export function jobParameters(
  runbook: RunbookDefinition,
  values: Record<string, ParameterValue>,
  published: AzureRunbook,
): Record<string, string> {
  refuseSecrets(runbook, values);
  return isPythonRunbookType(published.properties.runbookType)
    ? pythonParameters(runbook, values)
    : powerShellParameters(runbook, values, published);
}
