/**
 * The client's callback receiver: verifies every signature and records every delivery in the run
 * state; answers 503 while `down` (the receiver-outage fault), 200 otherwise.
 */
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { SECRET } from './harness';
import type { RunState } from './state';

export class CallbackReceiver {
  /** Answer 503 to every delivery. */
  down = false;
  private readonly receiver = new WebhookReceiver();
  private readonly verifier = new Webhook(SECRET);

  constructor(private readonly state: RunState) {}

  async start(): Promise<this> {
    this.receiver.handle('/cb', (r, _nth, res) => {
      const status = this.down ? 503 : 200;
      let signatureOk: boolean;
      try {
        this.verifier.verify(r.raw, r.headers as Record<string, string>);
        signatureOk = true;
      } catch {
        signatureOk = false;
      }
      const b = r.body as Record<string, any>;
      this.state.callbacks.push({
        at: Date.now(),
        webhookId: String(r.headers['webhook-id'] ?? ''),
        taskId: String(b.assay_task_id ?? ''),
        jobId: String(b.job_id ?? ''),
        event: String(b.event ?? ''),
        page: (b.pagination?.page as number | undefined) ?? null,
        status,
        signatureOk,
      });
      // Only what the receiver needs; the raw bodies are not kept (5,000+ callbacks).
      this.receiver.received.length = 0;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(status === 200 ? '{"status":"success"}' : '{"error":"unavailable"}');
    });
    await this.receiver.start();
    return this;
  }

  /** Where the tasks send their callbacks. */
  url(): string {
    return this.receiver.url('/cb');
  }

  close(): Promise<void> {
    return this.receiver.close();
  }
}
