/**
 * Product telemetry. src/telemetry/app-insights.ts implements it with `applicationinsights` when
 * a connection string is configured; otherwise NO_TELEMETRY is used and nothing is sent.
 * Properties must never carry parameter values or secrets.
 */
export interface Telemetry {
  event(name: string, properties?: Record<string, string>, measurements?: Record<string, number>): void;
  metric(name: string, value: number): void;
  /** A call to another service (Azure Resource Manager, Table Storage). `url` has no query string. */
  dependency(d: { target: string; name: string; durationMs: number; success: boolean; resultCode?: string | number; url?: string }): void;
  /** An HTTP request this server answered (the channel's POST /api/messages). Optional: added later. */
  request?(r: { name: string; url: string; durationMs: number; resultCode: number; success: boolean; properties?: Record<string, string> }): void;
  flush(): Promise<void>;
  /** Sends what is buffered and stops background exporters; the last call at shutdown. Optional: added later. */
  close?(): Promise<void>;
}

export const NO_TELEMETRY: Telemetry = {
  event() {},
  metric() {},
  dependency() {},
  request() {},
  async flush() {},
  async close() {},
};
