import { Webhook } from 'standardwebhooks';
import { Received, WebhookReceiver } from '../support/webhook-receiver';
import { checkEnvelope, SeedTypeContract } from './seed-contract';

/** Where the original workers sent every callback (A3). */
export const CALLBACK_PATH = '/api/v2/internal/enrichment-callback/';

type Json = Record<string, any>;

/**
 * The receiving end of an existing client (Django): records each callback, checks its
 * credentials (Authorization bearer, when one is expected) and its Standard Webhooks signature,
 * and answers as Django did (`{"status":"success"}`).
 */
export class DjangoReceiver {
  private readonly receiver = new WebhookReceiver();
  private webhook!: Webhook;
  /** Problems found on any callback (credentials, signature): a test asserts it stays empty. */
  readonly rejected: string[] = [];

  constructor(
    private readonly secret: string,
    private readonly bearer: string | null,
  ) {}

  async start(): Promise<this> {
    await this.receiver.start();
    this.webhook = new Webhook(this.secret);
    this.receiver.handle(CALLBACK_PATH, (r, _n, res) => {
      const problem = this.problemWith(r);
      if (problem) {
        this.rejected.push(problem);
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"unauthorised"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
    return this;
  }

  /** The callback URL an operator gives Assay (CALLBACK_URL): Django's base URL + the seed path. */
  get url(): string {
    return this.receiver.url(CALLBACK_PATH);
  }

  get origin(): string {
    return new URL(this.url).origin;
  }

  private problemWith(r: Received): string | null {
    if (this.bearer !== null && r.headers.authorization !== `Bearer ${this.bearer}`) {
      return `callback without the expected bearer token (got ${r.headers.authorization ? 'another' : 'none'})`;
    }
    try {
      this.webhook.verify(r.raw, r.headers as Record<string, string>);
    } catch (err) {
      return `signature: ${(err as Error).message}`;
    }
    return null;
  }

  /** Accepted callbacks of one job (by the job id the client knows), in arrival order. */
  of(jobId: string): Json[] {
    return this.receiver
      .on(CALLBACK_PATH)
      .filter((r) => r.body.job_id === jobId)
      .map((r) => r.body);
  }

  /** Every accepted callback. */
  all(): Json[] {
    return this.receiver.on(CALLBACK_PATH).map((r) => r.body);
  }

  /** Envelope problems of every callback of the job, each prefixed with its position. */
  envelopeProblems(jobId: string, type: SeedTypeContract): string[] {
    return this.of(jobId).flatMap((b, i) =>
      checkEnvelope(b, type).map((p) => `#${i} (${b.status}, ${b.account_id}): ${p}`),
    );
  }

  async close(): Promise<void> {
    await this.receiver.close();
  }
}
