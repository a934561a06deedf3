/**
 * Telemetry sent to Application Insights with Microsoft's `applicationinsights` 3.x SDK (built on
 * OpenTelemetry and the Azure Monitor exporter).
 *
 * The client runs on its own OpenTelemetry providers (`useGlobalProviders: false`): nothing is
 * patched or collected automatically, so exactly what Switchboard tracks is sent — requests of
 * the channel endpoint, Azure calls, run events and job gauges — and tests can open and close a
 * client without leaking global state.
 *
 * Event properties pass an allow-list: a property name not on it is dropped (and logged once),
 * so a careless caller cannot send a parameter value or a secret to Application Insights.
 */
import type { TelemetryClient } from 'applicationinsights';
import type { Logger } from '../logging/logger.js';
import type { Telemetry } from './telemetry.js';

/** The only event property names sent: what ran, where, and how it ended — never values. */
export const EVENT_PROPERTIES: ReadonlySet<string> = new Set(['runbook', 'target', 'outcome', 'executor', 'jobId', 'reason']);

export interface AppInsightsOptions {
  connectionString: string;
  logger: Logger;
  /** Trust for an ingestion endpoint behind a private CA (tests: the local fake's certificate). */
  tlsOptions?: { ca?: string | Buffer };
  /** Keep telemetry that could not be sent on disk and retry it later. Default true. */
  offlineStorage?: boolean;
}

const HTTP_METHOD = /^(GET|PUT|POST|PATCH|DELETE|HEAD|MERGE|OPTIONS)\s/;

export class AppInsightsTelemetry implements Telemetry {
  private readonly dropped = new Set<string>();
  private closed?: Promise<void>;

  private constructor(
    private readonly client: TelemetryClient,
    private readonly logger: Logger,
  ) {}

  /** Loads the SDK (about a second of module loading, so only when a connection string is set). */
  static async create(options: AppInsightsOptions): Promise<AppInsightsTelemetry> {
    const { TelemetryClient } = await import('applicationinsights');
    const client = new TelemetryClient(options.connectionString, { useGlobalProviders: false });
    // The shim's config replaces the exporter options as a whole, so the connection string is repeated.
    client.config.azureMonitorOpenTelemetryOptions = {
      azureMonitorExporterOptions: {
        connectionString: options.connectionString,
        disableOfflineStorage: options.offlineStorage === false,
        tlsOptions: options.tlsOptions,
      },
    };
    client.initialize();
    return new AppInsightsTelemetry(client, options.logger);
  }

  event(name: string, properties: Record<string, string> = {}, measurements?: Record<string, number>): void {
    this.client.trackEvent({ name, properties: this.allowed(name, properties), measurements });
  }

  metric(name: string, value: number): void {
    this.client.trackMetric({ name, value });
  }

  dependency(d: { target: string; name: string; durationMs: number; success: boolean; resultCode?: string | number; url?: string }): void {
    // The exporter files a dependency as HTTP (with its URL and status) only when it sees the method.
    const method = HTTP_METHOD.exec(d.name)?.[1];
    this.client.trackDependency({
      target: d.target,
      name: d.name,
      duration: d.durationMs,
      success: d.success,
      resultCode: d.resultCode ?? '',
      data: d.url ?? d.name,
      dependencyTypeName: d.url ? 'HTTP' : 'Azure',
      properties: method ? { 'http.method': method } : {},
    });
  }

  request(r: { name: string; url: string; durationMs: number; resultCode: number; success: boolean; properties?: Record<string, string> }): void {
    const method = HTTP_METHOD.exec(r.name)?.[1] ?? 'POST';
    this.client.trackRequest({
      name: r.name,
      url: r.url,
      duration: r.durationMs,
      resultCode: String(r.resultCode),
      success: r.success,
      properties: { ...r.properties, 'http.method': method },
    });
  }

  flush(): Promise<void> {
    return this.client.flush();
  }

  close(): Promise<void> {
    this.closed ??= this.client.flush().then(() => this.client.shutdown());
    return this.closed;
  }

  private allowed(event: string, properties: Record<string, string>): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(properties)) {
      if (EVENT_PROPERTIES.has(key)) kept[key] = value;
      else if (!this.dropped.has(key)) {
        this.dropped.add(key);
        this.logger.warn({ event, property: key }, 'telemetry property not on the allow-list; dropped (it could carry a parameter value)');
      }
    }
    return kept;
  }
}
