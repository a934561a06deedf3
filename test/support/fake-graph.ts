/**
 * A local Microsoft Graph on 127.0.0.1 answering the two calls the policy engine makes, as
 * documented for Graph v1.0:
 *   GET /v1.0/users/{id | userPrincipalName}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName
 *       (paged with @odata.nextLink)
 *   GET /v1.0/users/{id | userPrincipalName}?$select=userPrincipalName
 * It checks the bearer token, answers Graph's error shape (404 Request_ResourceNotFound, 401
 * InvalidAuthenticationToken), records every request and can be told to fail.
 *
 * It also plays Azure App Service's managed identity endpoint (IDENTITY_ENDPOINT /
 * IDENTITY_HEADER, api-version 2019-08-01), so the bot's real DefaultAzureCredential obtains its
 * Graph token here exactly as it does in App Service.
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
const IDENTITY_ROUTE = '/msi/token';
const IDENTITY_HEADER = 'fake-app-service-identity-header';

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

  /** Environment variables that make DefaultAzureCredential use this server as App Service's identity endpoint. */
  identityEnvironment(): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } {
    return { IDENTITY_ENDPOINT: `${this.url}${IDENTITY_ROUTE}`, IDENTITY_HEADER };
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

  /** App Service managed identity: GET ?api-version=2019-08-01&resource=… with X-IDENTITY-HEADER. */
  private issueToken(req: http.IncomingMessage, url: URL, send: (status: number, body: unknown) => void): void {
    if (req.headers['x-identity-header'] !== IDENTITY_HEADER || url.searchParams.get('api-version') !== '2019-08-01' || !url.searchParams.get('resource'))
      return send(400, { statusCode: 400, message: 'Missing or wrong X-IDENTITY-HEADER, api-version or resource.' });
    send(200, {
      access_token: this.token,
      expires_on: String(Math.floor(Date.now() / 1000) + 3600),
      resource: url.searchParams.get('resource'),
      token_type: 'Bearer',
      client_id: '5e8a9c1d-0000-4000-8000-00000000c11d',
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) => send(status, { error: { code, message } });

    if (url.pathname === IDENTITY_ROUTE) return this.issueToken(req, url, send);
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
