/**
 * Telemetry from configuration: Application Insights when a connection string is set, nothing
 * otherwise. The SDK is loaded only in the first case, so a local bot starts without it.
 */
import type { Logger } from '../logging/logger.js';
import { NO_TELEMETRY, type Telemetry } from './telemetry.js';

export { NO_TELEMETRY, type Telemetry } from './telemetry.js';

export interface TelemetryOptions {
  /** Trust for an ingestion endpoint behind a private CA (tests: the local fake's certificate). */
  tlsOptions?: { ca?: string | Buffer };
  /** Keep telemetry that could not be sent on disk and retry it later. Default true. */
  offlineStorage?: boolean;
}

export async function createTelemetry(connectionString: string | undefined, logger: Logger, options: TelemetryOptions = {}): Promise<Telemetry> {
  if (!connectionString) {
    logger.debug('Application Insights is not configured (APPLICATIONINSIGHTS_CONNECTION_STRING); no telemetry is sent');
    return NO_TELEMETRY;
  }
  const { AppInsightsTelemetry } = await import('./app-insights.js');
  const telemetry = await AppInsightsTelemetry.create({ connectionString, logger, ...options });
  logger.info({ ingestion: ingestionHost(connectionString) }, 'sending telemetry to Application Insights');
  return telemetry;
}

/** Where telemetry goes, for the log line; the connection string itself is not logged. */
function ingestionHost(connectionString: string): string {
  const endpoint = /IngestionEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  try {
    return endpoint ? new URL(endpoint).host : 'dc.services.visualstudio.com';
  } catch {
    return 'invalid IngestionEndpoint';
  }
}
