import { Command } from 'commander';
import { EXIT } from '../io';
import type { CliContext } from '../registry';
import { EmailJob, jobLine, jobPath } from './job';

/** `assay emails job-status [id]`: one job's state and progress, or the jobs. */
export async function jobStatus(
  ctx: CliContext,
  id: string | undefined,
  opts: { limit: number },
  cmd: Command,
): Promise<number> {
  const client = ctx.client(cmd);
  const json = ctx.globals(cmd).json;
  if (id) {
    const { body } = await client.get<EmailJob>(jobPath(id));
    ctx.out(json ? JSON.stringify(body, null, 2) : jobLine(body));
    return EXIT.ok;
  }
  const { body } = await client.get<{ items: EmailJob[] }>('/api/v1/emails/jobs', {
    limit: Math.min(opts.limit, 200),
  });
  if (json) ctx.out(JSON.stringify(body.items, null, 2));
  else if (!body.items.length) ctx.out('no email jobs');
  else for (const j of body.items) ctx.out(jobLine(j));
  return EXIT.ok;
}

/** `assay emails cancel-job <id>`: the job cancelled (its tasks are cancelled). */
export async function cancelJob(ctx: CliContext, id: string, cmd: Command): Promise<number> {
  const { body } = await ctx.client(cmd).post<EmailJob>(`${jobPath(id)}/cancel`);
  ctx.out(ctx.globals(cmd).json ? JSON.stringify(body, null, 2) : jobLine(body));
  return EXIT.ok;
}

/** `assay emails stats`: jobs by state, stored addresses by status, domains. */
export async function emailStats(ctx: CliContext, cmd: Command): Promise<number> {
  const { body } = await ctx.client(cmd).get<{
    jobs: Record<string, number>;
    emails: Record<string, number>;
    domains: number;
  }>('/api/v1/emails/stats');
  if (ctx.globals(cmd).json) ctx.out(JSON.stringify(body, null, 2));
  else {
    const fmt = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none';
    ctx.out(`jobs:    ${fmt(body.jobs)}`);
    ctx.out(`emails:  ${fmt(body.emails)}`);
    ctx.out(`domains: ${body.domains}`);
  }
  return EXIT.ok;
}
