/**
 * The client's callback receiver: a local HTTP server that verifies each delivery's Standard
 * Webhooks signature and counts the deliveries (no bodies kept: the bench's own RSS is measured).
 */
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { SECRET } from './settings';

const FINAL = new Set(['task.succeeded', 'task.failed', 'task.cancelled']);

export class CallbackReceiver {
  /** Final deliveries (task.succeeded, task.failed, task.cancelled) with a valid signature. */
  finals = 0;
  /** Other deliveries (task.progress …) with a valid signature. */
  others = 0;
  /** Deliveries whose signature headers were missing or did not verify. */
  badSignatures = 0;
  private readonly verifier = new Webhook(SECRET);
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        try {
          const body = this.verifier.verify(raw, req.headers as Record<string, string>) as {
            event?: string;
          };
          if (FINAL.has(body.event ?? '')) this.finals++;
          else this.others++;
        } catch {
          this.badSignatures++;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  /** Where the tasks send their callbacks. */
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/cb`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
    this.server = undefined;
  }
}
