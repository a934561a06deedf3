/**
 * Request telemetry for the channel endpoint: one request record per activity POSTed to
 * /api/messages, with its status, duration, and the activity's type and id (`cid`, the same
 * correlation id the logs carry). Registered as a restify pre-handler so it sees every answer —
 * including 401s from authentication and 503s while draining — without touching the route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from './telemetry.js';

type Request = IncomingMessage & { body?: unknown };
type PreHandler = (req: Request, res: ServerResponse, next: () => void) => void;

/** The part of a restify server this needs. */
export interface PreHandlerHost {
  pre(handler: PreHandler): unknown;
}

export const TRACKED_PATHS: readonly string[] = ['/api/messages'];

export function trackRequests(telemetry: Telemetry, paths: readonly string[] = TRACKED_PATHS): (server: PreHandlerHost) => void {
  return (server) => {
    server.pre((req, res, next) => {
      const path = (req.url ?? '').split('?')[0];
      if (!paths.includes(path)) return next();
      const started = performance.now();
      res.once('finish', () => {
        const activity = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { id?: unknown; type?: unknown; name?: unknown };
        const properties: Record<string, string> = {};
        if (typeof activity.type === 'string') properties.activityType = activity.type;
        if (typeof activity.name === 'string') properties.invokeName = activity.name;
        if (typeof activity.id === 'string') properties.cid = activity.id;
        telemetry.request?.({
          name: `${req.method ?? 'POST'} ${path}`,
          url: `http://${req.headers.host ?? 'localhost'}${path}`,
          durationMs: performance.now() - started,
          resultCode: res.statusCode,
          success: res.statusCode < 400,
          properties,
        });
      });
      next();
    });
  };
}
