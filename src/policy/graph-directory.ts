/**
 * Reads who a user is in Microsoft Entra ID through Microsoft Graph: transitive group memberships
 * (groups inside groups count) and the user principal name, which Teams activities do not carry.
 * Answers are cached per user for a TTL so a busy channel does not turn into a Graph storm; a
 * failed lookup is not cached.
 *
 * Calls go through Azure's HTTP pipeline (retries, Retry-After on 429) with a token from an
 * @azure/identity credential for `<graph endpoint>/.default`. The app needs the application
 * permission GroupMember.Read.All (or User.Read.All / Directory.Read.All).
 */
import type { TokenCredential } from '@azure/identity';
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelinePolicy,
  type PipelineRetryOptions,
} from '@azure/core-rest-pipeline';
import type { Principal } from '../domain/job.js';

export interface DirectoryGroup {
  id: string;
  displayName?: string;
}

/** What the policy engine needs to know about a user beyond the activity. */
export interface Directory {
  /** Direct and nested group memberships; empty when the user has no AAD object id. */
  groupsOf(user: Principal): Promise<DirectoryGroup[]>;
  /** The user's UPN (alice@contoso.com); undefined when the user has no AAD object id. */
  userPrincipalName(user: Principal): Promise<string | undefined>;
}

/** Graph could not be asked (network, token, throttling beyond retries, unexpected answer). */
export class DirectoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectoryUnavailableError';
  }
}

/** A directory with no groups: development mode and tests without Graph. */
export const EMPTY_DIRECTORY: Directory = {
  async groupsOf() {
    return [];
  },
  async userPrincipalName(user) {
    return user.upn;
  },
};

export interface GraphDirectoryOptions {
  /** e.g. https://graph.microsoft.com (config.graphEndpoint). */
  endpoint: string;
  credential: TokenCredential;
  /** How long answers are reused. Default 5 minutes. */
  ttlMs?: number;
  /** Most users remembered at once; the oldest are forgotten first. Default 10 000. */
  maxEntries?: number;
  retryOptions?: PipelineRetryOptions;
  now?: () => number;
}

interface CacheEntry<T> {
  expiresAt: number;
  value: Promise<T>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const PAGE_SIZE = 999; // Graph's maximum page size for transitiveMemberOf.

export class GraphDirectory implements Directory {
  private readonly endpoint: URL;
  private readonly pipeline;
  private readonly httpClient = createDefaultHttpClient();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly groups = new Map<string, CacheEntry<DirectoryGroup[]>>();
  private readonly upns = new Map<string, CacheEntry<string | undefined>>();

  constructor(options: GraphDirectoryOptions) {
    this.endpoint = new URL(options.endpoint);
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.pipeline = createPipelineFromOptions({ retryOptions: options.retryOptions });
    this.pipeline.addPolicy(tokenPolicy(options.credential, `${this.endpoint.origin}/.default`));
  }

  groupsOf(user: Principal): Promise<DirectoryGroup[]> {
    const id = user.aadObjectId;
    if (!id) return Promise.resolve([]);
    return this.cached(this.groups, id, async () => {
      const groups: DirectoryGroup[] = [];
      let url: string | undefined = this.url(
        `/v1.0/users/${encodeURIComponent(id)}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName&$top=${PAGE_SIZE}`,
      );
      while (url) {
        const page = (await this.get(url)) as { value?: { id?: unknown; displayName?: unknown }[]; '@odata.nextLink'?: unknown } | undefined;
        if (!page) break; // Unknown to this directory (e.g. a guest from another tenant): no groups.
        if (!Array.isArray(page.value)) throw new DirectoryUnavailableError('Microsoft Graph answered without a "value" list of groups.');
        for (const group of page.value) {
          if (typeof group.id === 'string')
            groups.push({ id: group.id, displayName: typeof group.displayName === 'string' ? group.displayName : undefined });
        }
        url = typeof page['@odata.nextLink'] === 'string' ? this.checkedNextLink(page['@odata.nextLink']) : undefined;
      }
      return groups;
    });
  }

  userPrincipalName(user: Principal): Promise<string | undefined> {
    if (user.upn) return Promise.resolve(user.upn);
    const id = user.aadObjectId;
    if (!id) return Promise.resolve(undefined);
    return this.cached(this.upns, id, async () => {
      const body = (await this.get(this.url(`/v1.0/users/${encodeURIComponent(id)}?$select=userPrincipalName`))) as
        | { userPrincipalName?: unknown }
        | undefined;
      return typeof body?.userPrincipalName === 'string' ? body.userPrincipalName : undefined;
    });
  }

  private url(pathAndQuery: string): string {
    return new URL(pathAndQuery, this.endpoint).toString();
  }

  /** Paging links must stay on the Graph endpoint: the bearer token is never sent elsewhere. */
  private checkedNextLink(link: string): string {
    const next = new URL(link, this.endpoint);
    if (next.origin !== this.endpoint.origin)
      throw new DirectoryUnavailableError(`Microsoft Graph sent a paging link to another host (${next.origin}); refusing to follow it.`);
    return next.toString();
  }

  /** The JSON body, or undefined when Graph does not know the user (404). */
  private async get(url: string): Promise<unknown> {
    // Plain http is only ever allowed to a local Graph (tests); the token policy enforces the same.
    const request = createPipelineRequest({ url, method: 'GET', allowInsecureConnection: LOOPBACK_HOSTS.has(new URL(url).hostname) });
    request.headers.set('accept', 'application/json');
    let response;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (error) {
      throw new DirectoryUnavailableError(`Microsoft Graph could not be reached: ${(error as Error).message}`);
    }
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      const code = graphErrorCode(response.bodyAsText);
      throw new DirectoryUnavailableError(`Microsoft Graph answered ${response.status}${code ? ` (${code})` : ''} for ${new URL(url).pathname}.`);
    }
    try {
      return JSON.parse(response.bodyAsText ?? '');
    } catch {
      throw new DirectoryUnavailableError(`Microsoft Graph answered with something that is not JSON for ${new URL(url).pathname}.`);
    }
  }

  private cached<T>(cache: Map<string, CacheEntry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = load();
    cache.delete(key);
    cache.set(key, { expiresAt: now + this.ttlMs, value });
    // Failures are not remembered: the next question asks Graph again.
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    while (cache.size > this.maxEntries) cache.delete(cache.keys().next().value as string);
    return value;
  }
}

function graphErrorCode(body: string | null | undefined): string | undefined {
  try {
    const code = (JSON.parse(body ?? '') as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds the bearer token. Azure's own bearer policy refuses plain http outright; this one allows it
 * for loopback hosts only, where tests run their local Graph, and refuses it everywhere else.
 */
function tokenPolicy(credential: TokenCredential, scope: string): PipelinePolicy {
  return {
    name: 'graphTokenPolicy',
    async sendRequest(request, next) {
      const url = new URL(request.url);
      if (url.protocol !== 'https:' && !LOOPBACK_HOSTS.has(url.hostname))
        throw new DirectoryUnavailableError(`Refusing to send a Graph token over plain http to ${url.host}; use https.`);
      const token = await credential.getToken(scope);
      if (!token) throw new DirectoryUnavailableError(`No token for ${scope} from the configured credential.`);
      request.headers.set('authorization', `Bearer ${token.token}`);
      return next(request);
    },
  };
}
