/**
 * A local stand-in for the Bot Framework token service on 127.0.0.1: it publishes OpenID
 * metadata and a JWKS (the documents botbuilder fetches from login.botframework.com) for a test
 * RSA key, and signs channel tokens shaped like the ones Teams sends — iss
 * https://api.botframework.com, aud = the bot's app id, serviceurl bound to the activity.
 * Point the bot at it with BOT_OPENID_METADATA_URL = issuer.metadataUrl.
 *
 * It also mints the bot's own outgoing tokens (credentialsFactory), so a bot with an app id can
 * reply to the local connector without asking Microsoft Entra ID for a token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { PasswordServiceClientCredentialFactory, type ServiceClientCredentials } from 'botframework-connector';

export const CHANNEL_ISSUER = 'https://api.botframework.com';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  jwk: JWK;
}

export interface ChannelTokenOptions {
  appId: string;
  serviceUrl?: string;
  /** Claims to add or replace (undefined removes one, e.g. { serviceurl: undefined }). */
  claims?: Record<string, unknown>;
  /** Seconds relative to now. Defaults: nbf -60, exp +3600. */
  notBeforeIn?: number;
  expiresIn?: number;
  /** Sign with a key the metadata does not publish. */
  key?: 'published' | 'unpublished' | 'unpublished-same-kid';
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

export class OpenIdIssuer {
  /** Number of metadata and key document requests served (botbuilder caches them). */
  fetches = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly published: SigningKey,
    private readonly unpublished: SigningKey,
    private readonly impostor: SigningKey,
  ) {}

  static async start(): Promise<OpenIdIssuer> {
    const published = await newKey('switchboard-test-key');
    const unpublished = await newKey('someone-elses-key');
    // Same kid as the published key but a different key pair: a forged signature.
    const impostor = await newKey(published.kid);
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const issuer = new OpenIdIssuer(server, `http://127.0.0.1:${port}`, published, unpublished, impostor);
    server.on('request', (req, res) => issuer.handle(req, res));
    return issuer;
  }

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** A channel token as the Bot Framework sends it to the bot's endpoint. */
  async channelToken(options: ChannelTokenOptions): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      iss: CHANNEL_ISSUER,
      aud: options.appId,
      nbf: now + (options.notBeforeIn ?? -60),
      exp: now + (options.expiresIn ?? 3600),
      serviceurl: options.serviceUrl,
      ...options.claims,
    };
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    const key = { published: this.published, unpublished: this.unpublished, 'unpublished-same-kid': this.impostor }[options.key ?? 'published'];
    return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }

  /** An unsigned token (alg "none") carrying otherwise valid claims. */
  unsignedToken(options: ChannelTokenOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const header = { alg: 'none', typ: 'JWT', kid: this.published.kid };
    const payload = { iss: CHANNEL_ISSUER, aud: options.appId, nbf: now - 60, exp: now + 3600, serviceurl: options.serviceUrl };
    return `${encode(header)}.${encode(payload)}.`;
  }

  /**
   * Credentials for the bot's outgoing calls: validates app ids like the password factory does,
   * and signs each request with a token from this issuer instead of one from Entra ID.
   */
  credentialsFactory(appId: string): PasswordServiceClientCredentialFactory {
    const issuer = this;
    return new (class extends PasswordServiceClientCredentialFactory {
      override async createCredentials(): Promise<ServiceClientCredentials> {
        const token = await issuer.channelToken({ appId: CHANNEL_ISSUER, claims: { appid: appId } });
        return {
          async signRequest(request) {
            request.headers.set('Authorization', `Bearer ${token}`);
            return request;
          },
        };
      }
    })(appId, 'test-password-never-sent');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      this.fetches++;
      json(200, {
        issuer: CHANNEL_ISSUER,
        authorization_endpoint: `${this.url}/v1/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    } else if (req.method === 'GET' && path === '/v1/.well-known/keys') {
      this.fetches++;
      // Bot Framework keys carry the channels they may sign for.
      json(200, { keys: [{ ...this.published.jwk, endorsements: ['msteams', 'emulator', 'webchat'] }] });
    } else {
      json(404, { error: `${req.method} ${path} is not served here` });
    }
  }
}
