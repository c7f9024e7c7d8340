import { mapLimit } from '../../common/map-limit';
import { StreamOutcome, TaskContext } from '../tasks/engine/task-context';
import { TaskError } from '../tasks/engine/task-errors';
import {
  CallbackStream,
  TaskEstimate,
  TaskHandler,
  TaskType,
} from '../tasks/engine/task-type.decorator';
import { AccountEnhancer } from './enhancement/account-enhancer.service';
import { seedAccountPercent } from './enhancement/account-run';
import type {
  AccountFailed,
  AccountOutcome,
  AccountSucceeded,
} from './enhancement/enhancement.types';
import { tryAccountKey, websiteProblem } from './account-key';
import {
  AccountEnhancementInput,
  AccountItem,
  accountsOf,
  SeedAccountEnhancementInput,
} from './dto/account-enhancement.input';
import type { AccountEnhancementProcessedData } from './extraction';

/** Accounts of one bulk task enhanced at once. */
export const ACCOUNT_CONCURRENCY = 3;

export type AccountSummaryItem =
  | ({ status: 'completed' } & Omit<
      Extract<AccountOutcome, { status: 'completed' }>,
      'status' | 'raw_data'
    >)
  | {
      status: 'failed';
      account_id: string | null;
      website: string | null;
      error: string;
      error_code: string;
      retryable: boolean;
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

type Input = AccountEnhancementInput | SeedAccountEnhancementInput;

/** The result scope: enrichment type + account, so a repeat returns the stored result unless refresh. */
export function accountScope(input: Input): string | undefined {
  const items = accountsOf(input);
  const keys = items.map((a) => a.account_id ?? tryAccountKey(a.website));
  if (keys.some((k) => !k)) return undefined;
  return `company_info:${[...keys].sort().join(',')}`.slice(0, 500);
}

/**
 * One callback stream per account (the seed's per-account callbacks): its account_id — or, for an
 * account given without one on a typed route, its domain — and the seed's final percentage.
 */
export function accountStreams(input: Input): CallbackStream[] {
  const items = accountsOf(input);
  return items.map((a, i) => ({
    account_id: a.account_id ?? tryAccountKey(a.website) ?? `account_${i + 1}`,
    percent: seedAccountPercent(i, items.length),
  }));
}

/** The seed's job summary (A2.1), from the stored result. */
export function accountSummary(result: unknown): unknown {
  const r = result as Partial<AccountEnhancementResult> | null;
  if (!r || !Array.isArray(r.results)) return undefined;
  return {
    status: r.status,
    job_id: r.job_id,
    is_bulk: r.is_bulk,
    total_accounts: r.total_accounts,
    successful_accounts: r.successful_accounts,
    failed_accounts: r.failed_accounts,
    results: r.results.map((x) =>
      x.status === 'completed'
        ? { status: 'completed', account_id: x.account_id, company_name: x.company_name }
        : { status: 'failed', account_id: x.account_id, error: x.error },
    ),
  };
}

/** What a stored result says of each account of `input` (a reused result's callbacks). */
export function accountOutcomes(result: unknown, input: Input): Array<StreamOutcome | null> {
  const r = result as Partial<AccountEnhancementResult> | null;
  const results = Array.isArray(r?.results) ? r!.results : [];
  const keyOf = (a: { account_id?: string | null; website?: string | null }) =>
    a.account_id ?? tryAccountKey(a.website) ?? null;
  return accountsOf(input).map((item) => {
    const k = keyOf(item);
    const found = results.find((x) => k !== null && keyOf(x) === k);
    if (!found) return null;
    if (found.status === 'completed') {
      return { status: 'completed', processed_data: found.processed_data };
    }
    return {
      status: 'failed',
      error: { code: found.error_code, message: found.error, retryable: found.retryable },
    };
  });
}

/** One attempt's time: 30 minutes per started hundred accounts. */
const TIMEOUT_PER_100_MS = 30 * 60_000;

@TaskType({
  name: 'account_enhancement',
  input: AccountEnhancementInput,
  seedInput: SeedAccountEnhancementInput,
  enrichmentType: 'company_info',
  callbackSource: 'jina_ai',
  progressCallbacks: true,
  concurrency: 5,
  maxAttempts: 3,
  timeoutMs: TIMEOUT_PER_100_MS,
  timeoutFor: (input) => Math.ceil(accountsOf(input).length / 100) * TIMEOUT_PER_100_MS,
  description:
    'Company profile from a website (keyless), richer with vendor and LLM keys: {account_id, website} or {accounts: [...]}',
  scope: accountScope,
  entities: (input) => {
    const items = accountsOf(input);
    return { accountId: items.length === 1 ? (items[0].account_id ?? null) : null, leadId: null };
  },
  // One callback stream per account; no paged lists.
  callbackStreams: accountStreams,
  streamOutcomes: accountOutcomes,
  summarize: accountSummary,
  callbackPages: { lists: [], counted: [] },
})
export class AccountEnhancementTask implements TaskHandler<Input, AccountEnhancementResult> {
  constructor(private readonly enhancer: AccountEnhancer) {}

  async run(ctx: TaskContext<Input>): Promise<AccountEnhancementResult> {
    const items = accountsOf(ctx.input);
    const outcomes = await mapLimit(items, ACCOUNT_CONCURRENCY, async (item, index) => {
      const outcome = await this.one(ctx, item, index, items.length);
      // Each account's completed callback goes out as soon as it is stored (its failure waits:
      // if every account fails, the task may be retried and the account may yet succeed).
      if (outcome.status === 'completed') {
        await ctx.streamEnded(index, {
          status: 'completed',
          processed_data: outcome.processed_data,
          raw_data: outcome.raw_data,
        });
      }
      return outcome;
    });
    const ok = outcomes.filter((o) => o.status === 'completed');
    const failed = outcomes
      .map((o, index) => ({ o, index }))
      .filter((x): x is { o: AccountFailed; index: number } => x.o.status === 'failed');
    if (!ok.length) {
      const retryable = failed.some((f) => f.o.retryable);
      const message = failed
        .map((f) => `${f.o.website ?? '(no website)'}: ${f.o.error}`)
        .join('; ');
      throw new TaskError(
        retryable ? 'TEMPORARY' : (failed[0].o.error_code as never) || 'NOT_FOUND',
        `no account could be enhanced: ${message}`,
        {
          retryable,
          // Each account's callback carries its own failure.
          streams: Object.fromEntries(failed.map((f) => [String(f.index), streamError(f.o)])),
        },
      );
    }
    for (const f of failed) {
      await ctx.streamEnded(f.index, { status: 'failed', error: streamError(f.o) });
    }
    const last = ok[ok.length - 1] as AccountSucceeded;
    await ctx.progress('storing', 100, `${ok.length} of ${items.length} account(s) enhanced`);
    return {
      ...last.processed_data,
      status: failed.length ? 'partially_completed' : 'completed',
      job_id: ctx.task.externalId ?? ctx.taskId,
      is_bulk: !!ctx.input.accounts,
      total_accounts: items.length,
      successful_accounts: ok.length,
      failed_accounts: failed.length,
      results: outcomes.map((o) => {
        if (o.status === 'completed') {
          // eslint-disable-next-line @typescript-eslint/no-unused-vars
          const { raw_data, ...rest } = o;
          return rest;
        }
        const { account_id, website, error, error_code, retryable } = o;
        return { status: 'failed' as const, account_id, website, error, error_code, retryable };
      }),
    };
  }

  private async one(
    ctx: TaskContext<Input>,
    item: AccountItem,
    index: number,
    total: number,
  ): Promise<AccountOutcome> {
    const problem = websiteProblem(item.website);
    if (problem) {
      // Accepted on the seed route as the seed accepted it; this account fails on its own.
      return {
        status: 'failed',
        account_id: item.account_id ?? null,
        website: item.website,
        error: problem,
        error_code: 'INVALID_WEBSITE',
        retryable: false,
        sources: [],
        errors: [],
      };
    }
    const account = { ...item, website: item.website! };
    try {
      return await this.enhancer.enhance(ctx as TaskContext<unknown>, account, { index, total });
    } catch (err) {
      // An abort (cancel, timeout, shutdown) or a spent budget ends the attempt (the task keeps the
      // stages it completed); anything else fails this account only.
      if (ctx.signal.aborted) throw err;
      if ((err as { code?: unknown })?.code === 'BUDGET_EXCEEDED') throw err;
      const e = err as Error & { code?: string; retryable?: boolean };
      ctx.logger.warn(`account ${account.website} failed: ${e.message}`);
      return {
        status: 'failed',
        account_id: item.account_id ?? null,
        website: account.website,
        error: e.message,
        error_code: typeof e.code === 'string' ? e.code : 'INTERNAL',
        retryable: e.retryable ?? true,
        sources: [],
        errors: [],
      };
    }
  }

  estimate(input: Input): TaskEstimate {
    const items = accountsOf(input).filter((i) => websiteProblem(i.website) === null);
    const per = items.map((i) => this.enhancer.estimate({ ...i, website: i.website! }));
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

/** A failed account as its callback's error_details. */
function streamError(o: AccountFailed) {
  const stage =
    o.errors[o.errors.length - 1]?.stage ??
    (o.error_code === 'INVALID_WEBSITE' ? 'initialization' : null);
  return { code: o.error_code, message: o.error, retryable: o.retryable, stage };
}
