import { Injectable } from '@nestjs/common';
import { SiteReaderService } from '../../../providers/web/site-reader.service';
import { extractCompanyFacts } from '../extraction';
import type { AccountRun } from './account-run';
import type { Candidates, SiteStageOutput } from './enhancement.types';
import { stageScope } from './stage-helpers';

/** Text of the pages the LLM sees, at most this many characters. */
export const LLM_TEXT_CHARS = 24_000;

/**
 * Stage 1, reading the site (keyless, free): the home page and the pages it links to, the facts
 * extracted from them and their text for the LLM, checkpointed. An unreadable site is recorded as
 * an error; the account goes on (vendors may still know the company).
 */
@Injectable()
export class SiteStage {
  constructor(private readonly site: SiteReaderService) {}

  async run(run: AccountRun, website: string): Promise<SiteStageOutput> {
    const { ctx, cp } = run;
    await run.progress('reading_site', `reading ${website}`);
    const site = await ctx.checkpoint(cp('site'), async () => {
      const read = await this.site.read(website, stageScope(ctx, cp('site')));
      await run.progress('extracting', `extracting facts from ${read.pages.length} page(s)`);
      const facts = extractCompanyFacts(read.pages, { taskId: ctx.taskId });
      const candidates: Candidates = { ...(facts as unknown as Candidates) };
      if (read.home_url) {
        const origin = new URL(read.home_url).origin;
        candidates.website = [
          ...(candidates.website ?? []),
          {
            value: origin,
            source: read.home_url,
            method: 'scrape',
            detail: 'home-page',
            retrieved_at: new Date().toISOString(),
            confidence: 0.3,
            cost_usd: 0,
            task_id: ctx.taskId,
          },
        ];
      }
      const out: SiteStageOutput = {
        home_url: read.home_url,
        pages: read.pages.map((p) => p.final_url),
        failures: read.failures.map((f) => ({ url: f.url, code: f.code, message: f.message })),
        candidates,
        text: read.pages
          .map((p) => `# ${p.title ?? p.final_url} (${p.final_url})\n${p.text}`)
          .join('\n\n')
          .slice(0, LLM_TEXT_CHARS),
      };
      return out;
    });
    run.sources.push({
      stage: 'reading_site',
      provider: 'builtin_web',
      outcome: site.home_url ? `read ${site.pages.length} page(s)` : 'unreadable',
      cost_usd: 0,
      ...(site.home_url ? {} : { error: site.failures.map((f) => f.message).join('; ') }),
    });
    if (!site.home_url) {
      run.errors.push({
        stage: 'reading_site',
        code: site.failures[0]?.code ?? 'NOT_FOUND',
        message: `could not read ${website}: ${site.failures.map((f) => f.message).join('; ') || 'no page answered'}`,
      });
    }
    return site;
  }
}
