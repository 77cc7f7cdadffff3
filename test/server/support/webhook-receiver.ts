import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, any> };
  /** verified with the standardwebhooks library and the receiver's secret(s) at the time */
  verified: boolean;
  /** what the receiver answered */
  status: number;
  /** when it arrived: ms since the epoch, with the fraction performance.now() gives */
  receivedAt: number;
}

/**
 * A host's webhook endpoint: a real HTTP server on 127.0.0.1 that verifies each delivery with
 * the `standardwebhooks` library (401 when the signature does not verify, so the sender sees a
 * failure), answers what `respond` says, and lets a test wait for deliveries by count. Its path
 * is random: a delivery meant for an earlier receiver on the same port gets 404 and is not kept.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** secrets to verify with; a delivery verifies when any of them does */
  secrets: string[] = [];
  /** verify signatures (the timestamp must be within 5 minutes of the real clock) */
  verify = true;
  /** the status to answer for a delivery that verified (or was not verified) */
  respond: (delivery: { id: string; payload: Received['payload']; attempt: number }) => number = () => 204;
  private waiters: { count: number; filter: (r: Received) => boolean; resolve: () => void }[] = [];
  private readonly attemptsById = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const path = `/hooks/${randomUUID()}`;
    const server = createServer((req, res) => {
      if (req.url !== path) return void res.writeHead(404).end();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = receiver!.handle(Buffer.concat(chunks).toString('utf8'), req.headers);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return receiver;
  }

  private readonly verifiers = new Map<string, Webhook>();

  private verifier(secret: string): Webhook {
    let found = this.verifiers.get(secret);
    if (!found) this.verifiers.set(secret, (found = new Webhook(secret)));
    return found;
  }

  private handle(body: string, headers: IncomingHttpHeaders): number {
    const receivedAt = performance.timeOrigin + performance.now();
    const header = (name: string) => String(headers[name] ?? '');
    const id = header('webhook-id');
    let verified = false;
    if (this.verify) {
      for (const secret of this.secrets) {
        try {
          this.verifier(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') });
          verified = true;
        } catch {
          // try the next secret
        }
      }
    }
    const payload = JSON.parse(body) as Received['payload'];
    const attempt = (this.attemptsById.get(id) ?? 0) + 1;
    this.attemptsById.set(id, attempt);
    const status = this.verify && !verified ? 401 : this.respond({ id, payload, attempt });
    const received: Received = { id, timestamp: header('webhook-timestamp'), signature: header('webhook-signature'), body, payload, verified, status, receivedAt };
    this.received.push(received);
    this.waiters = this.waiters.filter((w) => {
      if (this.received.filter(w.filter).length < w.count) return true;
      w.resolve();
      return false;
    });
    return status;
  }

  /** What was received about one workspace */
  of(workspaceId: string): Received[] {
    return this.received.filter((r) => r.payload.data.workspaceId === workspaceId);
  }

  /** Resolves when `count` deliveries match `filter` (by default: accepted ones). */
  waitFor(count: number, filter: (r: Received) => boolean = (r) => r.status < 300): Promise<void> {
    if (this.received.filter(filter).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, filter, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
