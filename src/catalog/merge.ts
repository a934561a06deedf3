/**
 * Local scripts + runbooks published in Azure Automation → one list.
 *
 * - A runbook published but not on disk appears with source 'azure'.
 * - A runbook on both sides appears once, with source 'local+azure'. The local definition is
 *   used (it is what the author edits and what publish-on-commit uploads next), and `drift` lists
 *   every difference a user or the publisher should know about: parameters only on one side,
 *   parameter types and required flags, and the content hash when the published side has one.
 * Names match case-insensitively, as Azure Automation's do.
 */
import type { ParameterDefinition, RunbookDefinition } from '../domain/runbook.js';

export function mergePublished(local: RunbookDefinition[], published: RunbookDefinition[]): RunbookDefinition[] {
  const publishedByName = new Map<string, RunbookDefinition>();
  for (const runbook of published) {
    const key = runbook.name.toLowerCase();
    if (!publishedByName.has(key)) publishedByName.set(key, runbook);
  }
  const merged: RunbookDefinition[] = local.map((runbook) => {
    const key = runbook.name.toLowerCase();
    const remote = publishedByName.get(key);
    if (!remote) return runbook;
    publishedByName.delete(key);
    const drift = driftBetween(runbook, remote);
    return { ...runbook, source: 'local+azure', ...(drift.length && { drift }) };
  });
  for (const remote of publishedByName.values()) merged.push({ ...remote, source: 'azure' });
  return merged.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** Human-readable differences between a local script and its published runbook. */
export function driftBetween(local: RunbookDefinition, published: RunbookDefinition): string[] {
  const drift: string[] = [];
  const remoteParameters = new Map(published.parameters.map((p) => [p.name.toLowerCase(), p]));
  for (const parameter of local.parameters) {
    const remote = remoteParameters.get(parameter.name.toLowerCase());
    remoteParameters.delete(parameter.name.toLowerCase());
    if (!remote) drift.push(`parameter ${parameter.name} is not in the published runbook`);
    else drift.push(...parameterDrift(parameter, remote));
  }
  for (const remote of remoteParameters.values()) drift.push(`parameter ${remote.name} is only in the published runbook`);
  if (published.contentHash && published.contentHash !== local.contentHash)
    drift.push(`content differs from the published runbook (local sha256 ${local.contentHash.slice(0, 12)}…, published ${published.contentHash.slice(0, 12)}…)`);
  return drift;
}

function parameterDrift(local: ParameterDefinition, published: ParameterDefinition): string[] {
  const drift: string[] = [];
  if (local.type !== published.type) drift.push(`parameter ${local.name} is ${local.type} locally but ${published.type} in the published runbook`);
  if (local.required !== published.required)
    drift.push(`parameter ${local.name} is ${local.required ? 'required' : 'optional'} locally but ${published.required ? 'required' : 'optional'} in the published runbook`);
  return drift;
}
