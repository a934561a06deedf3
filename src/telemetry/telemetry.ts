/**
 * Product telemetry. src/telemetry/app-insights.ts implements it with `applicationinsights` when
 * a connection string is configured; otherwise NO_TELEMETRY is used and nothing is sent.
 * Properties must never carry parameter values or secrets.
 */
export interface Telemetry {
  event(name: string, properties?: Record<string, string>, measurements?: Record<string, number>): void;
  metric(name: string, value: number): void;
  dependency(d: { target: string; name: string; durationMs: number; success: boolean; resultCode?: string | number }): void;
  flush(): Promise<void>;
}

export const NO_TELEMETRY: Telemetry = {
  event() {},
  metric() {},
  dependency() {},
  async flush() {},
};
