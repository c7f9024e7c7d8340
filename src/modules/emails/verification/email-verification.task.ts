import { TaskContext } from '../../tasks/engine/task-context';
import { TaskEstimate, TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import { EmailVerificationInput } from '../dto/email-verification.input';
import { VerifyStage } from '../finding/verify.stage';

export const VERIFY_TASK = 'email_verification';

/** One address's verdict, as the task returns it. */
export interface VerifiedAddress {
  email: string;
  status: string;
  score: number;
  reasons: string[];
  catch_all: boolean | null;
  smtp_code: number | null;
  provider: string | null;
  verified_at: string | null;
}

export interface EmailVerificationResult {
  results: VerifiedAddress[];
  counts: Record<string, number>;
  api_errors: number;
  cost_usd: number;
}

/**
 * `email_verification`: a list of addresses through the `email.verify` waterfall (VerifyStage,
 * the one email_finding uses: builtin_smtp first, the unsettled ones to the next verifier). The
 * verdicts are one checkpoint: a retry does not ask the mail servers again.
 */
@TaskType({
  name: VERIFY_TASK,
  input: EmailVerificationInput,
  enrichmentType: VERIFY_TASK,
  concurrency: 2,
  maxAttempts: 3,
  timeoutMs: 30 * 60_000,
  description: 'Verify work email addresses ({emails: [...]}) with the email.verify waterfall',
})
export class EmailVerificationTask implements TaskHandler<
  EmailVerificationInput,
  EmailVerificationResult
> {
  constructor(private readonly verify: VerifyStage) {}

  estimate(input: EmailVerificationInput): TaskEstimate {
    return {
      calls: Math.ceil(input.emails.length / 50),
      cost_min_usd: 0,
      // Hunter's verifier at its assumed list price, only for the addresses builtin_smtp cannot settle.
      cost_max_usd: Math.round(input.emails.length * 0.005 * 1e6) / 1e6,
      notes: ['builtin_smtp verifies without cost; Hunter is asked only when configured'],
    };
  }

  async run(ctx: TaskContext<EmailVerificationInput>): Promise<EmailVerificationResult> {
    await ctx.progress('verifying', 10, `verifying ${ctx.input.emails.length} address(es)`, {
      callback: false,
    });
    return ctx.checkpoint('verifying', async () => {
      const v = await this.verify.verify(ctx.input.emails, ctx.providerScope());
      const counts: Record<string, number> = {};
      const results = ctx.input.emails.map((email): VerifiedAddress => {
        const r = v.byEmail.get(email.toLowerCase());
        const status = r?.status ?? 'unknown';
        counts[status] = (counts[status] ?? 0) + 1;
        return {
          email,
          status,
          score: r?.score ?? 0,
          reasons: r?.reasons ?? [],
          catch_all: r?.catch_all ?? null,
          smtp_code: r?.smtp?.code ?? null,
          provider: r?.provider ?? null,
          verified_at: r?.verified_at ?? null,
        };
      });
      return { results, counts, api_errors: v.api_errors, cost_usd: v.cost_usd };
    });
  }
}
