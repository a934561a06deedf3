/**
 * A local Application Insights ingestion endpoint on 127.0.0.1. It speaks the Breeze protocol the
 * Azure Monitor exporter uses: POST /v2.1/track with a JSON array of envelopes (gzip when the
 * exporter compresses), answered with { itemsReceived, itemsAccepted, errors }.
 *
 * The exporter always sends over https, so the endpoint serves the throwaway certificate of the
 * local ARM fake and clients trust it through `tlsOptions`. While it runs, the SDK's own usage
 * reports ("statsbeat", which go to a Microsoft endpoint and probe the Azure VM metadata address)
 * are switched off with the SDK's documented variable, so nothing leaves the machine.
 *
 * Tests await what they expect with `waitFor(predicate)`, which resolves on arrival.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { FAKE_ARM_CERT, FAKE_ARM_KEY } from './fake-arm-tls.js';

export interface Envelope {
  name: string;
  time: string;
  iKey: string;
  tags?: Record<string, string>;
  data: { baseType: string; baseData: Record<string, unknown> & { name?: string; properties?: Record<string, string>; measurements?: Record<string, number> } };
}

interface Waiter {
  predicate: (envelope: Envelope) => boolean;
  resolve: (envelope: Envelope) => void;
}

const NO_STATSBEAT = 'APPLICATION_INSIGHTS_NO_STATSBEAT';
export const TEST_INSTRUMENTATION_KEY = '00000000-0000-4000-8000-000000000001';

export class FakeIngestion {
  readonly envelopes: Envelope[] = [];
  /** Raw request bodies as received, to check what never left the process. */
  readonly bodies: string[] = [];
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
    private readonly previousStatsbeat: string | undefined,
  ) {}

  static async start(): Promise<FakeIngestion> {
    const previous = process.env[NO_STATSBEAT];
    process.env[NO_STATSBEAT] = 'true';
    let fake: FakeIngestion | undefined;
    const server = https.createServer({ key: FAKE_ARM_KEY, cert: FAKE_ARM_CERT }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const envelopes = req.method === 'POST' && req.url?.startsWith('/v2.1/track') ? (JSON.parse(body) as Envelope[]) : [];
        fake?.receive(body, envelopes);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: envelopes.length, itemsAccepted: envelopes.length, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeIngestion(server, (server.address() as AddressInfo).port, previous);
    return fake;
  }

  /** What APPLICATIONINSIGHTS_CONNECTION_STRING would hold to send here. */
  get connectionString(): string {
    return `InstrumentationKey=${TEST_INSTRUMENTATION_KEY};IngestionEndpoint=https://127.0.0.1:${this.port}/`;
  }

  /** TLS settings a client needs to trust this endpoint. */
  get tlsOptions(): { ca: string } {
    return { ca: FAKE_ARM_CERT };
  }

  /** Custom events (trackEvent) received so far. */
  events(name?: string): Envelope[] {
    return this.envelopes.filter((e) => e.data.baseType === 'EventData' && (name === undefined || e.data.baseData.name === name));
  }

  ofType(baseType: 'RequestData' | 'RemoteDependencyData' | 'MetricData' | 'EventData'): Envelope[] {
    return this.envelopes.filter((e) => e.data.baseType === baseType);
  }

  /** Resolves with the first envelope (already received or arriving) that matches; fails after timeoutMs. */
  waitFor(predicate: (envelope: Envelope) => boolean, timeoutMs = 10_000): Promise<Envelope> {
    const found = this.envelopes.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (envelope) => {
          clearTimeout(timer);
          resolve(envelope);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching telemetry within ${timeoutMs} ms; received: ${this.envelopes.map(describe).join(', ') || 'nothing'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    if (this.previousStatsbeat === undefined) delete process.env[NO_STATSBEAT];
    else process.env[NO_STATSBEAT] = this.previousStatsbeat;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(body: string, envelopes: Envelope[]): void {
    this.bodies.push(body);
    for (const envelope of envelopes) {
      this.envelopes.push(envelope);
      for (const waiter of this.waiters) {
        if (!waiter.predicate(envelope)) continue;
        this.waiters.delete(waiter);
        waiter.resolve(envelope);
      }
    }
  }
}

function describe(envelope: Envelope): string {
  const data = envelope.data.baseData;
  const metrics = data.metrics as { name: string }[] | undefined;
  return `${envelope.data.baseType}:${data.name ?? metrics?.map((m) => m.name).join('+') ?? '?'}`;
}
