// A push service on loopback for tests: takes pushes as FCM or Mozilla's would, decrypts them with
// the keys of subscriptions it made (as a browser would), and answers what a test tells it to.
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface ReceivedPush {
  subscription: string;
  headers: Record<string, string | string[] | undefined>;
  payload: unknown;
}

export interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export class FakePushService {
  readonly received: ReceivedPush[] = [];
  private readonly keys = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: string }>();
  private readonly statuses = new Map<string, number>();
  private server: Server | null = null;
  private base = '';
  private held: Promise<void> | null = null;
  /** Pushes answered so far (held ones count once answered). */
  answered = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        await this.held;
        this.answered++;
        const id = (req.url ?? '').split('/').at(-1) ?? '';
        const status = this.statuses.get(id) ?? 201;
        const key = this.keys.get(id);
        if (req.method === 'POST' && key && status < 300) {
          const plain = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth });
          this.received.push({ subscription: id, headers: req.headers, payload: JSON.parse(plain.toString('utf8')) });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A slow push service: pushes get no answer until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = null;
      release();
    };
  }

  /** A new browser subscription: its endpoint on this service and the keys the server encrypts to. */
  subscription(): FakeSubscription {
    const id = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    this.keys.set(id, { ecdh, auth });
    return { endpoint: `${this.base}/push/${id}`, keys: { p256dh: ecdh.getPublicKey('base64url'), auth } };
  }

  /** From now on, pushes to this subscription are answered with status (410: it is gone). */
  answer(endpoint: string, status: number): void {
    this.statuses.set(endpoint.split('/').at(-1)!, status);
  }

  /** The decrypted payloads pushed to this subscription, in order. */
  payloadsFor(endpoint: string): unknown[] {
    const id = endpoint.split('/').at(-1);
    return this.received.filter((p) => p.subscription === id).map((p) => p.payload);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
