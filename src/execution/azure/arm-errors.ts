/**
 * Turns Azure Resource Manager failures into ExecutionErrors that say what went wrong and what
 * to do about it. A 403 names the least-privileged built-in role that grants the operation
 * (roles and their actions: learn.microsoft.com/azure/automation/automation-role-based-access-control
 * and learn.microsoft.com/azure/role-based-access-control/built-in-roles/management-and-governance).
 */
import { isRestError } from '@azure/core-rest-pipeline';
import { ExecutionError } from '../executor.js';

/** The permission an ARM operation needs; selects the role named in a 403 answer. */
export type ArmPermission = 'jobs' | 'runbooks-read' | 'worker-groups-read' | 'runbooks-write';

/**
 * Automation Job Operator: jobs/read, write, stop, streams, output. Automation Runbook Operator:
 * runbooks/read. Automation Operator: both plus hybridRunbookWorkerGroups/read. Writing and
 * publishing runbooks is only in Automation Contributor (or Contributor).
 */
const ROLE_FOR: Record<ArmPermission, string> = {
  jobs: 'Automation Job Operator',
  'runbooks-read': 'Automation Runbook Operator',
  'worker-groups-read': 'Automation Operator',
  'runbooks-write': 'Automation Contributor',
};

/** What a failing call was trying to do, for messages. */
export interface ArmOperation {
  /** Readable purpose, e.g. `start runbook "Restart-AppPool"`. */
  what: string;
  permission: ArmPermission;
  /** Automation account name (as Azure knows it), for messages. */
  account: string;
  /** Error to raise on 404 instead of the generic one (e.g. "runbook not published"). */
  notFound?: () => ArmError;
}

export class ArmError extends ExecutionError {
  constructor(
    message: string,
    code: string,
    hint?: string,
    /** HTTP status when Azure answered; undefined for network and token failures. */
    readonly statusCode?: number,
    /** Delay Azure asked for with Retry-After (429/503). */
    readonly retryAfterMs?: number,
  ) {
    super(message, code, hint);
    this.name = 'ArmError';
  }
}

export function roleFor(permission: ArmPermission): string {
  return ROLE_FOR[permission];
}

/** `{error:{code,message}}` (ARM) or `{code,message}` (Automation) or plain text. */
function azureMessage(body: unknown): { code?: string; message?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 500) || undefined };
  if (body && typeof body === 'object') {
    const record = body as { error?: { code?: unknown; message?: unknown }; code?: unknown; message?: unknown };
    const source = record.error && typeof record.error === 'object' ? record.error : record;
    return {
      code: typeof source.code === 'string' ? source.code : undefined,
      message: typeof source.message === 'string' ? source.message : undefined,
    };
  }
  return {};
}

/** Retry-After is seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

export function errorFromResponse(
  op: ArmOperation,
  status: number,
  headers: Record<string, string | undefined>,
  body: unknown,
): ArmError {
  const azure = azureMessage(body);
  const detail = [azure.code, azure.message].filter(Boolean).join(': ') || `HTTP ${status}`;
  const where = `Automation account "${op.account}"`;
  switch (true) {
    case status === 401:
      return new ArmError(
        `Azure Resource Manager rejected the access token while trying to ${op.what} (401 ${detail}).`,
        'auth_failed',
        'Check that the managed identity / service principal belongs to the tenant of the subscription and that its token is for https://management.azure.com.',
        status,
      );
    case status === 403: {
      const role = roleFor(op.permission);
      return new ArmError(
        `The identity Switchboard runs as may not ${op.what} in ${where} (403 ${detail}).`,
        'forbidden',
        `Grant it the built-in role "${role}" on the Automation account, e.g. az role assignment create --assignee <principal id> --role "${role}" --scope <automation account resource id>.`,
        status,
      );
    }
    case status === 404:
      return (
        op.notFound?.() ??
        new ArmError(`Azure could not find what was needed to ${op.what} in ${where} (404 ${detail}).`, 'not_found', undefined, status)
      );
    case status === 409:
      return new ArmError(`Azure refused to ${op.what} because of a conflicting state (409 ${detail}).`, 'conflict', undefined, status);
    case status === 429:
      return new ArmError(
        `Azure Resource Manager is throttling requests (429 ${detail}); could not ${op.what}.`,
        'throttled',
        'Switchboard waits as long as Azure asks (Retry-After) before the next attempt; too many readers share this identity and subscription.',
        status,
        parseRetryAfter(headers['retry-after']),
      );
    case status === 400:
      return new ArmError(`Azure rejected the request to ${op.what}: ${detail}.`, 'bad_request', undefined, status);
    case status >= 500:
      return new ArmError(
        `Azure Automation failed to ${op.what} (${status} ${detail}) after retries.`,
        'azure_unavailable',
        'This is usually temporary; try again in a few minutes or check https://status.azure.com.',
        status,
        parseRetryAfter(headers['retry-after']),
      );
    default:
      return new ArmError(`Unexpected answer from Azure while trying to ${op.what} (${status} ${detail}).`, 'azure_error', undefined, status);
  }
}

/** Failures without an HTTP answer: token acquisition, dropped connections, DNS, timeouts. */
export function errorFromException(op: ArmOperation, error: unknown, endpoint: string): ArmError {
  if (error instanceof ArmError) return error;
  if (error instanceof ExecutionError) return new ArmError(error.message, error.code, error.hint);
  const message = error instanceof Error ? error.message : String(error);
  if (isRestError(error))
    return new ArmError(
      `Could not reach Azure Resource Manager at ${endpoint} to ${op.what}: ${message}${error.code ? ` (${error.code})` : ''}.`,
      'network',
      'The request was retried with backoff; check outbound HTTPS (proxy, firewall, DNS) from the bot host.',
    );
  return new ArmError(`Failed to ${op.what}: ${message}.`, 'azure_error');
}
