/**
 * P4 — Azure job tracking: Resource Manager calls per tracked job per minute with 1,000 running
 * jobs against the local ARM endpoint, measured by bench/azure-tracking.ts (the Azure
 * executor's own benchmark), here with a shorter warm-up and window than its CLI defaults so the
 * whole bench stays within a few minutes. Baseline: the naive one Job_Get per job every 10 s.
 */
import { DEFAULT_AZURE_TRACKING, measureAzureTracking, type AzureTrackingOptions, type AzureTrackingResult } from '../azure-tracking.js';

export type P4Result = AzureTrackingResult & { ratio: number };

export async function measureTracking(overrides: Partial<AzureTrackingOptions>): Promise<P4Result> {
  const result = await measureAzureTracking({ ...DEFAULT_AZURE_TRACKING, ...overrides });
  return { ...result, ratio: result.callsPerJobPerMinute / result.naiveCallsPerJobPerMinute };
}
