/**
 * A local Microsoft Graph on 127.0.0.1 answering the two calls the policy engine makes, as
 * documented for Graph v1.0:
 *   GET /v1.0/users/{id | userPrincipalName}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName
 *       (paged with @odata.nextLink)
 *   GET /v1.0/users/{id | userPrincipalName}?$select=userPrincipalName
 * It checks the bearer token, answers Graph's error shape (404 Request_ResourceNotFound, 401
 * InvalidAuthenticationToken), records every request and can be told to fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';

export interface GraphGroup {
  id: string;
  displayName: string;
}

export interface GraphUser {
  id: string;
  userPrincipalName: string;
  /** Direct and nested groups (what transitiveMemberOf returns). */
  groups: GraphGroup[];
}

export interface GraphRequest {
  path: string;
  query: URLSearchParams;
  authorization?: string;
}

/** A TokenCredential that hands out a fixed token (what tests pass instead of DefaultAzureCredential). */
export function staticCredential(token: string): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope: string | string[]): Promise<AccessToken> {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

const USER_ROUTE = /^\/v1\.0\/users\/([^/]+)(\/transitiveMemberOf\/microsoft\.graph\.group)?$/;

export class FakeGraph {
  readonly requests: GraphRequest[] = [];
  private readonly users = new Map<string, GraphUser>();
  private failure?: { status: number; code: string; remaining: number };

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly token: string,
    private readonly pageSize: number,
  ) {}

  /** `pageSize` below Graph's 100 makes paging visible with a handful of groups. */
  static async start(options: { token?: string; pageSize?: number } = {}): Promise<FakeGraph> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const graph = new FakeGraph(server, `http://127.0.0.1:${port}`, options.token ?? 'graph-test-token', options.pageSize ?? 2);
    server.on('request', (req, res) => graph.handle(req, res));
    return graph;
  }

  addUser(user: GraphUser): void {
    this.users.set(user.id.toLowerCase(), user);
    this.users.set(user.userPrincipalName.toLowerCase(), user);
  }

  /** Answers the next `times` requests with this status (Graph error shape). */
  fail(status: number, times = Number.POSITIVE_INFINITY, code = 'serviceNotAvailable'): void {
    this.failure = { status, code, remaining: times };
  }

  recover(): void {
    this.failure = undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) => send(status, { error: { code, message } });

    if (this.failure && this.failure.remaining > 0) {
      this.failure.remaining--;
      return error(this.failure.status, this.failure.code, 'Injected failure.');
    }
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return error(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    const match = req.method === 'GET' ? USER_ROUTE.exec(url.pathname) : null;
    if (!match) return error(400, 'BadRequest', `Unsupported request ${req.method} ${url.pathname}.`);
    const user = this.users.get(decodeURIComponent(match[1]).toLowerCase());
    if (!user) return error(404, 'Request_ResourceNotFound', `Resource '${decodeURIComponent(match[1])}' does not exist.`);

    if (!match[2]) return send(200, { '@odata.context': `${this.url}/v1.0/$metadata#users(userPrincipalName)/$entity`, userPrincipalName: user.userPrincipalName });

    const select = (url.searchParams.get('$select') ?? '').split(',').filter(Boolean);
    const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
    const top = Math.min(Number(url.searchParams.get('$top') ?? 100), this.pageSize);
    const page = user.groups.slice(skip, skip + top).map((group) => {
      const shaped: Record<string, unknown> = { '@odata.type': '#microsoft.graph.group' };
      for (const field of select.length ? select : ['id', 'displayName']) shaped[field] = group[field as keyof GraphGroup];
      return shaped;
    });
    const body: Record<string, unknown> = { '@odata.context': `${this.url}/v1.0/$metadata#groups(${select.join(',')})`, value: page };
    if (skip + top < user.groups.length) {
      const next = new URL(url.pathname, this.url);
      for (const [key, value] of url.searchParams) if (key !== '$skiptoken') next.searchParams.set(key, value);
      next.searchParams.set('$skiptoken', String(skip + top));
      body['@odata.nextLink'] = next.toString();
    }
    send(200, body);
  }
}
