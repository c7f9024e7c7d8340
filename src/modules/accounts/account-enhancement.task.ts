import { TaskContext } from '../tasks/engine/task-context';
import { TaskError } from '../tasks/engine/task-errors';
import { TaskEstimate, TaskHandler, TaskType } from '../tasks/engine/task-type.decorator';
import { AccountEnhancer, AccountOutcome } from './account-enhancer.service';
import { tryAccountKey } from './account-key';
import {
  AccountEnhancementInput,
  AccountToEnhance,
  accountsOf,
} from './dto/account-enhancement.input';
import type { AccountEnhancementProcessedData } from './extraction';

/** Accounts of one bulk task enhanced at once. */
export const ACCOUNT_CONCURRENCY = 3;

export type AccountSummaryItem =
  | ({ status: 'completed' } & Omit<Extract<AccountOutcome, { status: 'completed' }>, 'status'>)
  | {
      status: 'failed';
      account_id: string | null;
      website: string;
      error: string;
      error_code: string;
    };

/**
 * The task's result: the seed's summary (`status`, `total_accounts`, `successful_accounts`,
 * `failed_accounts`, `results`), plus the AccountEnhancement `processed_data` keys of the last
 * successful account at the top level, which is what the seed's final callback carried.
 */
export type AccountEnhancementResult = Partial<AccountEnhancementProcessedData> & {
  status: 'completed' | 'partially_completed' | 'failed';
  job_id: string;
  is_bulk: boolean;
  total_accounts: number;
  successful_accounts: number;
  failed_accounts: number;
  results: AccountSummaryItem[];
};

/** The result scope: enrichment type + account, so a repeat returns the stored result unless refresh. */
export function accountScope(input: AccountEnhancementInput): string | undefined {
  const items = accountsOf(input);
  const keys = items.map((a) => a.account_id ?? tryAccountKey(a.website));
  if (keys.some((k) => !k)) return undefined;
  return `company_info:${[...keys].sort().join(',')}`.slice(0, 500);
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

@TaskType({
  name: 'account_enhancement',
  input: AccountEnhancementInput,
  enrichmentType: 'company_info',
  concurrency: 5,
  maxAttempts: 3,
  timeoutMs: 30 * 60_000,
  description:
    'Company profile from a website (keyless), richer with vendor and LLM keys: {account_id, website} or {accounts: [...]}',
  scope: accountScope,
  entities: (input) => {
    const items = accountsOf(input);
    return { accountId: items.length === 1 ? (items[0].account_id ?? null) : null, leadId: null };
  },
  // No paged lists: one account's result is one callback.
  callbackPages: { lists: [], counted: [] },
})
export class AccountEnhancementTask implements TaskHandler<
  AccountEnhancementInput,
  AccountEnhancementResult
> {
  constructor(private readonly enhancer: AccountEnhancer) {}

  async run(ctx: TaskContext<AccountEnhancementInput>): Promise<AccountEnhancementResult> {
    const items = accountsOf(ctx.input);
    const outcomes = await mapLimit(items, ACCOUNT_CONCURRENCY, (item, index) =>
      this.one(ctx, item, index, items.length),
    );
    const ok = outcomes.filter((o) => o.status === 'completed');
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (!ok.length) {
      const retryable = failed.some((f) => f.retryable);
      const message = failed.map((f) => `${f.website}: ${f.error}`).join('; ');
      throw new TaskError(
        retryable ? 'TEMPORARY' : (failed[0].error_code as never) || 'NOT_FOUND',
        `no account could be enhanced: ${message}`,
        {
          retryable,
        },
      );
    }
    const last = ok[ok.length - 1];
    await ctx.progress('storing', 100, `${ok.length} of ${items.length} account(s) enhanced`);
    return {
      ...last.processed_data,
      status: failed.length ? 'partially_completed' : 'completed',
      job_id: ctx.taskId,
      is_bulk: !!ctx.input.accounts,
      total_accounts: items.length,
      successful_accounts: ok.length,
      failed_accounts: failed.length,
      results: outcomes.map((o) => {
        if (o.status === 'completed') return o;
        const { account_id, website, error, error_code } = o;
        return { status: 'failed' as const, account_id, website, error, error_code };
      }),
    };
  }

  private async one(
    ctx: TaskContext<AccountEnhancementInput>,
    item: AccountToEnhance,
    index: number,
    total: number,
  ): Promise<AccountOutcome> {
    try {
      return await this.enhancer.enhance(ctx as TaskContext<unknown>, item, { index, total });
    } catch (err) {
      // An abort (cancel, timeout, shutdown) or a spent budget ends the attempt (the task keeps the
      // stages it completed); anything else fails this account only.
      if (ctx.signal.aborted) throw err;
      if ((err as { code?: unknown })?.code === 'BUDGET_EXCEEDED') throw err;
      const e = err as Error & { code?: string; retryable?: boolean };
      ctx.logger.warn(`account ${item.website} failed: ${e.message}`);
      return {
        status: 'failed',
        account_id: item.account_id ?? null,
        website: item.website,
        error: e.message,
        error_code: typeof e.code === 'string' ? e.code : 'INTERNAL',
        retryable: e.retryable ?? true,
        sources: [],
        errors: [],
      };
    }
  }

  estimate(input: AccountEnhancementInput): TaskEstimate {
    const items = accountsOf(input);
    const per = items.map((i) => this.enhancer.estimate(i));
    const round = (n: number) => Math.round(n * 1e6) / 1e6;
    return {
      calls: per.reduce((s, e) => s + e.calls, 0),
      cost_min_usd: 0,
      cost_max_usd: round(per.reduce((s, e) => s + e.cost_max_usd, 0)),
      notes: [
        `${items.length} account(s); site pages are read keyless (free)`,
        ...new Set(per.flatMap((e) => e.notes ?? [])),
      ],
    };
  }
}
