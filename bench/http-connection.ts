// A minimal HTTP/1.1 keep-alive connection for load generation: one request at a time, JSON
// bodies, Content-Length framing. The load generator shares the machine's two cores with the
// server and the database it measures; node:http's client cost about half as much CPU per
// request as the server itself, and what it spends is taken from what is being measured.
import net from 'node:net';

export interface HttpAnswer {
  status: number;
  body: any;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class HttpConnection {
  private readonly socket: net.Socket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (answer: HttpAnswer) => void; reject: (err: Error) => void } | undefined;
  private readonly hostHeader: string;

  constructor(origin: URL) {
    this.hostHeader = origin.host;
    this.socket = net.connect(Number(origin.port), origin.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }

  request(method: string, path: string, token: string, body?: unknown): Promise<HttpAnswer> {
    if (this.waiting) return Promise.reject(new Error('one request at a time'));
    const payload = body === undefined ? '' : JSON.stringify(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\nauthorization: Bearer ${token}\r\n` +
      (payload ? `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n` : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(head + payload);
    });
  }

  close(): void {
    this.waiting = undefined;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    const headerEnd = this.received.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.received.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`answer without content-length: ${head.split('\r\n')[0]}`));
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.received.length < bodyEnd) return;
    const status = Number(head.slice(9, 12));
    const body = JSON.parse(this.received.toString('utf8', bodyStart, bodyEnd));
    this.received = this.received.subarray(bodyEnd);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ status, body });
  }

  private fail(err: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }
}
