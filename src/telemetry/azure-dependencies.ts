/**
 * Dependency telemetry for Azure calls: a pipeline policy for Azure's own HTTP pipeline
 * (`@azure/core-rest-pipeline`, used by the Automation client and `@azure/data-tables`) that
 * records every attempt — retries included — with method, host, path, status and duration.
 *
 * Names stay low-cardinality and free of secrets: the query string (api-version, SAS tokens) is
 * never recorded, GUIDs in the path become `:id` (route style; braces would be URL-encoded) and Table Storage keys `(…)` become `()`.
 */
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Telemetry } from './telemetry.js';

const GUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const ENTITY_KEYS = /\([^)]*\)/g;

export function dependencyPath(url: string): string {
  return new URL(url).pathname.replace(GUID, ':id').replace(ENTITY_KEYS, '()');
}

export function dependencyTelemetryPolicy(telemetry: Telemetry): PipelinePolicy {
  return {
    name: 'switchboardDependencyTelemetry',
    async sendRequest(request, next) {
      const started = performance.now();
      const url = new URL(request.url);
      const path = dependencyPath(request.url);
      const record = (success: boolean, resultCode: string | number) =>
        telemetry.dependency({
          target: url.host,
          name: `${request.method} ${path}`,
          url: `${url.protocol}//${url.host}${path}`,
          durationMs: performance.now() - started,
          success,
          resultCode,
        });
      try {
        const response = await next(request);
        record(response.status < 400, response.status);
        return response;
      } catch (error) {
        // No HTTP answer at all: a dropped connection, DNS, TLS or a timeout.
        record(false, (error as { code?: string }).code ?? 'error');
        throw error;
      }
    },
  };
}
