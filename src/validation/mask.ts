/**
 * Secret values (securestring, pscredential, parameters the author marks secret) leave memory
 * only as SECRET_MASK: jobs, history, audit, logs, telemetry and cards all get masked values.
 */
import { SECRET_MASK } from '../domain/job.js';
import type { ParameterDefinition, ParameterValue, RunbookDefinition } from '../domain/runbook.js';

export function isSecretParameter(parameter: ParameterDefinition): boolean {
  return parameter.secret || parameter.type === 'secret' || parameter.type === 'credential';
}

/**
 * A copy with every secret value replaced. A name the runbook does not declare is masked too:
 * nothing unknown is assumed harmless.
 */
export function maskSecrets(
  runbook: RunbookDefinition,
  values: Record<string, ParameterValue>,
): Record<string, ParameterValue> {
  const masked: Record<string, ParameterValue> = {};
  for (const [name, value] of Object.entries(values)) {
    const parameter = runbook.parameters.find((p) => p.name === name);
    masked[name] = !parameter || isSecretParameter(parameter) ? SECRET_MASK : value;
  }
  return masked;
}
