/**
 * Why a message could not be delivered, in terms the outbox can act on. The edge (src/bot) maps
 * botbuilder's errors onto it; anything else exposing `statusCode` and response headers (or
 * `retryAfterMs`) is understood as well, so the job layer never imports botbuilder.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** HTTP status of the failed call, when there was a response. */
    readonly statusCode: number | undefined,
    /** Worth trying again later: throttling, a transient server or network fault. */
    readonly transient: boolean,
    /** How long the service asked us to wait (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Teams asks bots to retry exactly these (rate limit, precondition race, gateway errors). */
const TRANSIENT_STATUS = new Set([412, 429, 502, 504]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ECONNABORTED']);

type HeaderSource = { get?: (name: string) => string | null | undefined } & Record<string, unknown>;

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const source = headers as HeaderSource;
  if (typeof source.get === 'function') return source.get(name) ?? undefined;
  const key = Object.keys(source).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : source[key];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function numberField(source: Record<string, unknown>, key: string): number | undefined {
  const value = source[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function toDeliveryError(error: unknown, now: number): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (!error || typeof error !== 'object') return new DeliveryError(String(error), undefined, false);
  const source = error as Record<string, unknown>;
  const response = (source.response ?? {}) as Record<string, unknown>;
  const statusCode = numberField(source, 'statusCode') ?? numberField(source, 'status') ?? numberField(response, 'status');
  const retryAfterMs =
    numberField(source, 'retryAfterMs') ??
    parseRetryAfter(header(response.headers, 'retry-after') ?? header(source.headers, 'retry-after'), now);
  const code = typeof source.code === 'string' ? source.code : undefined;
  const transient = statusCode === undefined ? code !== undefined && TRANSIENT_NETWORK.has(code) : TRANSIENT_STATUS.has(statusCode);
  const message = error instanceof Error ? error.message : JSON.stringify(error);
  return new DeliveryError(message, statusCode, transient, retryAfterMs);
}
