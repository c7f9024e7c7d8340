import { parse } from 'csv-parse/sync';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainOf, MailWorld, smtpEnv } from '../emails/emails-harness';
import { TestSmtpServer } from '../support/smtp-server';
import { startTestApp, TestApp } from '../support/test-app';
import { cliEnv, removeTempDirs, runCli, tempDir } from './cli-harness';

/**
 * `assay emails …` in-process against the booted app, the built-in verifier on a loopback mail
 * world: a CSV of people → the CSV with their addresses (formula-safe, resumable), domains,
 * a dry run that creates nothing, job-status, cancel-job and stats.
 */
describe('assay emails (CLI against a booted app)', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  let env: Record<string, string>;
  let dir: string;
  const acme = domainOf('cli-acme');
  const beta = domainOf('cli-beta');
  const readCsv = (file: string) =>
    parse(readFileSync(join(dir, file), 'utf8'), { columns: true }) as Array<
      Record<string, string>
    >;

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(acme, { mailboxes: ['dreyes', 'sortiz'] });
    world.domain(beta, { mailboxes: ['info'] });
    smtp = await TestSmtpServer.start({ rcpt: world.rcpt });
    t = await startTestApp(smtpEnv(world, smtp));
    env = cliEnv(t.url);
    dir = tempDir();
    writeFileSync(
      join(dir, 'leads.csv'),
      [
        'Company Domain,First Name,Last Name,Note',
        `${acme},Dana,Reyes,=cmd()`,
        `https://www.${acme}/,Sam,Ortiz,ok`,
        `,No,Domain,missing`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await world?.dns.close();
    removeTempDirs();
  });

  it('find --dry-run prints the counts and the estimate and creates nothing', async () => {
    const jobs = async () =>
      JSON.parse((await runCli(['emails', 'stats', '--json'], env)).stdout).jobs;
    const before = await jobs();
    const r = await runCli(['emails', 'find', '--in', 'leads.csv', '--dry-run'], env, { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run, nothing created: 2 item(s)');
    expect(r.stdout).toContain('row 4: no domain or lead_id');
    expect(smtp.connectionsFor(acme)).toEqual([]);
    expect(await jobs()).toEqual(before);
  });

  it('find --in writes each row with its address (formula-safe); a re-run resumes and sends nothing', async () => {
    const r = await runCli(['emails', 'find', '--in', 'leads.csv', '--out', 'emails.csv'], env, {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/email job [0-9a-f-]{36}: 2 item\(s\)/);
    expect(r.stderr).toContain('2/2 processed');
    const rows = readCsv('emails.csv');
    expect(rows.map((x) => [x.email, x.email_status, x.email_error])).toEqual([
      [`dreyes@${acme}`, 'deliverable', ''],
      [`sortiz@${acme}`, 'deliverable', ''],
      ['', '', 'no domain or lead_id'],
    ]);
    expect(rows[0].Note).toBe(`'=cmd()`);

    const before = smtp.connectionsFor(acme).length;
    const again = await runCli(
      ['emails', 'find', '--in', 'leads.csv', '--out', 'emails.csv'],
      env,
      {
        cwd: dir,
      },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to do');
    expect(smtp.connectionsFor(acme).length).toBe(before);
    expect(readCsv('emails.csv').map((x) => x.email)).toEqual([
      `dreyes@${acme}`,
      `sortiz@${acme}`,
      '',
    ]);
  });

  it('find --domains writes a row per domain (no address without a name here); job-status and stats show the jobs', async () => {
    const r = await runCli(
      ['emails', 'find', '--domains', `${acme},not a domain`, '--out', 'domains.csv'],
      env,
      { cwd: dir },
    );
    // A bad domain is the API's 400 naming it; nothing is created.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('domains[1]');

    const ok = await runCli(
      ['emails', 'find', '--domains', acme, '--out', 'domains.csv', '--progress', 'plain'],
      env,
      { cwd: dir },
    );
    expect([0, 1]).toContain(ok.code);
    const rows = readCsv('domains.csv');
    expect(rows.map((x) => x.domain)).toEqual([acme]);
    const id = /email job ([0-9a-f-]{36})/.exec(ok.stderr)![1];

    // A re-run with one more domain resumes: the finished domain is not sent again (no new mail
    // session), its row stays, and the new domain's row is added.
    expect(rows[0].error).toBe('');
    const sessions = smtp.connectionsFor(acme).length;
    const more = await runCli(
      ['emails', 'find', '--domains', `${acme},${beta}`, '--out', 'domains.csv'],
      env,
      { cwd: dir },
    );
    expect([0, 1]).toContain(more.code);
    expect(readCsv('domains.csv').map((x) => x.domain)).toEqual([acme, beta]);
    expect(smtp.connectionsFor(acme)).toHaveLength(sessions);
    expect(more.stderr).toContain('1 item(s)');
    const again = await runCli(
      ['emails', 'find', '--domains', `${acme},${beta}`, '--out', 'domains.csv'],
      env,
      { cwd: dir },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('nothing to do');

    const status = await runCli(['emails', 'job-status', id], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${id} domains`);
    expect(status.stdout).toContain('1/1');
    const list = await runCli(['emails', 'job-status'], env);
    expect(list.stdout).toContain(id);
    const stats = await runCli(['emails', 'stats'], env);
    expect(stats.stdout).toMatch(/emails: .*deliverable \d+/);

    // An ended job cannot be cancelled: the API's 409, exit 1.
    const cancel = await runCli(['emails', 'cancel-job', id], env);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain('HTTP 409');
  });

  it('verify --in writes each row with its verdict (formula-safe); a re-run resumes and asks no mail server', async () => {
    writeFileSync(
      join(dir, 'addresses.csv'),
      [
        'Name,E-mail',
        `=Dana,dreyes@${acme}`,
        `Nobody,nobody@${acme}`,
        `Broken,not an address`,
        `Dana again,DReyes@${acme}`,
      ].join('\n'),
    );
    const verifyCsv = () =>
      runCli(['emails', 'verify', '--in', 'addresses.csv', '--out', 'verified.csv'], env, {
        cwd: dir,
      });
    const r = await verifyCsv();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('verifying 2 address(es)');
    const rows = readCsv('verified.csv');
    expect(rows.map((x) => [x.Name, x.verify_status, x.verify_provider, x.verify_error])).toEqual([
      [`'=Dana`, 'deliverable', 'builtin_smtp', ''],
      ['Nobody', 'undeliverable', 'builtin_smtp', ''],
      ['Broken', '', '', 'not an email address'],
      ['Dana again', 'deliverable', 'builtin_smtp', ''],
    ]);

    const before = smtp.connectionsFor(acme).length;
    const again = await verifyCsv();
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('verifying 0 address(es)');
    expect(smtp.connectionsFor(acme).length).toBe(before);
    expect(readCsv('verified.csv')).toEqual(rows);
  });
});
