import { parse } from 'csv-parse/sync';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapColumns, outputHeader } from '../../src/cli/accounts-enrich/columns';
import { resultCell, rowOutcome } from '../../src/cli/accounts-enrich/output';
import { idempotencyKey, planRun, rowKey } from '../../src/cli/accounts-enrich/plan';
import { formatProblem } from '../../src/cli/api-client';
import { escapeFormula, parseCsv, toCsv, writeCsvAtomic } from '../../src/cli/csv';
import { parseDuration, redacting } from '../../src/cli/io';
import { createProgress } from '../../src/cli/progress';
import type { TaskDetail } from '../../src/cli/task-wait';
import { Capture, removeTempDirs, resultColumns, runCli, tempDir } from './cli-harness';

describe('assay CLI: CSV safety, column mapping, progress (units)', () => {
  afterAll(() => removeTempDirs());

  describe('formula injection (OWASP CSV injection)', () => {
    it.each([
      ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
      ['+1+2', `'+1+2`],
      ['-2+3', `'-2+3`],
      ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
      ['\t=1', `'\t=1`],
      ['\r=1', `'\r=1`],
    ])('%j gets a leading apostrophe', (cell, escaped) => {
      expect(escapeFormula(cell)).toBe(escaped);
    });

    it('leaves other cells alone and escaping twice changes nothing more', () => {
      for (const safe of ['Acme', 'a=b', '', ' =x', "'=already", '42', 'x@y.com']) {
        expect(escapeFormula(safe)).toBe(safe);
      }
      expect(escapeFormula(escapeFormula('=1+1'))).toBe("'=1+1");
      expect(escapeFormula(null)).toBe('');
      expect(escapeFormula(1999)).toBe('1999');
    });

    it('every cell of a written CSV is escaped, header included, and reads back as text', () => {
      const csv = toCsv(
        ['name', '=cmd'],
        [
          ['=1+2', 'plain, with comma'],
          ['@x', '"quoted"'],
        ],
      );
      const back = parse(csv) as string[][];
      expect(back).toEqual([
        ['name', "'=cmd"],
        ["'=1+2", 'plain, with comma'],
        ["'@x", '"quoted"'],
      ]);
      for (const row of back) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('writes atomically (no temporary file left behind)', () => {
      const dir = tempDir();
      const file = join(dir, 'out.csv');
      writeCsvAtomic(file, ['a'], [['-1']]);
      expect(readFileSync(file, 'utf8')).toBe(`a\n"'-1"\n`);
    });
  });

  describe('reading CSV input', () => {
    it('drops a BOM, skips empty rows, pads short rows and names repeated columns', () => {
      const t = parseCsv('\uFEFFwebsite,name,name\nacme.com,Acme\n\n,,\nfoo.io,Foo,Foo Inc\n');
      expect(t.header).toEqual(['website', 'name', 'name_2']);
      expect(t.rows).toEqual([
        ['acme.com', 'Acme', ''],
        ['foo.io', 'Foo', 'Foo Inc'],
      ]);
    });

    it('maps columns by flag (exact or loose) or by well-known names, and names what is missing', () => {
      expect(mapColumns(['Company Name', 'Domain', 'Account ID'], {})).toEqual({
        website: 1,
        account_id: 2,
        name: 0,
      });
      expect(mapColumns(['url', 'crm', 'title'], { accountIdColumn: 'CRM' })).toEqual({
        website: 0,
        account_id: 1,
        name: -1,
      });
      expect(mapColumns(['website', 'id'], { accountIdColumn: 'none' }).account_id).toBe(-1);
      expect(() => mapColumns(['name'], {})).toThrow(/no website column found.*name/);
      expect(() => mapColumns(['website'], { nameColumn: 'company' })).toThrow(
        /--name-column "company": no such column/,
      );
    });

    it('puts results after the input, renames a clashing result and refuses an output as input', () => {
      expect(outputHeader(['website', 'linkedin_url'])).toEqual([
        'website',
        'linkedin_url',
        ...resultColumns('assay_linkedin_url'),
      ]);
      expect(() => outputHeader(['website', 'assay_status'])).toThrow(/output of/);
    });

    it('row keys survive the escaping of the output; idempotency keys follow the request body', () => {
      const map = { website: 0, account_id: 1, name: -1 };
      const cells = ['=evil.com', 'acct-1'];
      expect(rowKey(cells, map)).toBe(rowKey(cells.map(escapeFormula), map));
      const a = idempotencyKey({ website: 'acme.com', account_id: 'a1' });
      expect(a).toMatch(/^assay-cli-account_enhancement-[0-9a-f]{64}$/);
      expect(idempotencyKey({ account_id: 'a1', website: 'acme.com' })).toBe(a);
      expect(idempotencyKey({ website: 'acme.com', account_id: 'a2' })).not.toBe(a);
    });

    it('refuses to resume into an output file with other columns', () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'in.csv'), 'website\nacme.com\n');
      writeFileSync(join(dir, 'out.csv'), 'something,else\n1,2\n');
      expect(() => planRun({ input: join(dir, 'in.csv'), output: join(dir, 'out.csv') })).toThrow(
        /cannot be resumed/,
      );
    });
  });

  describe('results as cells', () => {
    it('joins lists, keeps numbers and leaves nulls empty', () => {
      expect(resultCell(['Nginx', 'jQuery'])).toBe('Nginx; jQuery');
      expect(resultCell([{ name: 'Globex' }, 'Initech'])).toBe('Globex; Initech');
      expect(resultCell(2016)).toBe('2016');
      expect(resultCell(null)).toBe('');
      expect(resultCell({ a: 1 })).toBe('{"a":1}');
    });

    it('reads a succeeded single-account result and a failed task', () => {
      const ok = rowOutcome({
        job_id: 'j',
        task_name: 'account_enhancement',
        status: 'succeeded',
        result: {
          company_name: 'Top',
          results: [
            {
              status: 'completed',
              processed_data: {
                company_name: 'Acme',
                technologies: ['a', 'b'],
                founded_year: 2001,
              },
            },
          ],
        },
      } as TaskDetail);
      expect(ok.status).toBe('succeeded');
      expect(ok.results.slice(0, 1)).toEqual(['Acme']);
      expect(ok.results).toContain('a; b');
      expect(ok.results).toContain('2001');
      const failed = rowOutcome({
        job_id: 'j',
        task_name: 'account_enhancement',
        status: 'failed',
        error: { code: 'INVALID_WEBSITE', message: 'website is not a domain' },
      } as TaskDetail);
      expect(failed).toMatchObject({
        status: 'failed',
        error: 'INVALID_WEBSITE: website is not a domain',
      });
    });
  });

  describe('messages and progress', () => {
    it('prints a problem document as detail plus one line per field', () => {
      expect(
        formatProblem(400, {
          title: 'Bad Request',
          detail: 'Invalid payload',
          errors: [{ field: 'sleep_ms', message: 'sleep_ms must not be greater than 600000' }],
        }),
      ).toBe('Invalid payload (HTTP 400)\n  sleep_ms: sleep_ms must not be greater than 600000');
      // Assay's validation detail is the field lines joined: the title heads them instead.
      expect(
        formatProblem(400, {
          title: 'Bad Request',
          detail: 'a: is wrong; b: is missing',
          errors: [
            { field: 'a', message: 'is wrong' },
            { field: 'b', message: 'is missing' },
          ],
        }),
      ).toBe('Bad Request (HTTP 400)\n  a: is wrong\n  b: is missing');
    });

    it('redacts the key from everything written', () => {
      const out = new Capture(true);
      const s = redacting(out, 'super-secret-key');
      s.write('key=super-secret-key!');
      expect(out.text).toBe('key=***!');
      expect(s.isTTY).toBe(true);
    });

    it('parses durations', () => {
      expect(parseDuration('90')).toBe(90_000);
      expect(parseDuration('250ms')).toBe(250);
      expect(parseDuration('5m')).toBe(300_000);
      expect(() => parseDuration('soon')).toThrow(/not a duration/);
    });

    it('plain progress: one line per row with done/total, rate and ETA; no escape codes', () => {
      const err = new Capture(false);
      const p = createProgress(err, 'auto');
      expect(p.mode).toBe('plain');
      p.start(3, 1);
      p.tick('row 2 acme.com: succeeded', { succeeded: 2 });
      p.tick('row 3 bad: failed', { succeeded: 2, failed: 1 });
      p.stop();
      const lines = err.text.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^\[2\/3\] row 2 acme\.com: succeeded \(\d+\.\d\d\/s, ETA \S+\)$/);
      expect(lines[1]).toMatch(/^\[3\/3\] row 3 bad: failed \(\d+\.\d\d\/s, ETA 0s\)$/);
      expect(err.text).not.toContain('\x1b');
    });

    it('on a terminal: a bar with done/total, rate and ETA', () => {
      const err = new Capture(true);
      const p = createProgress(err, 'auto');
      expect(p.mode).toBe('bar');
      p.start(2, 0);
      p.tick('row 1', { succeeded: 1 });
      p.tick('row 2', { succeeded: 2 });
      p.stop();
      expect(err.text).toContain('2/2 rows');
      expect(err.text).toMatch(/\d+\.\d\d\/s \| ETA 0s \| succeeded 2/);
      expect(err.text).toContain('\x1b');
    });
  });

  describe('command line', () => {
    it('usage errors exit 2 with a message; --help exits 0; no server is needed for either', async () => {
      const env = { ASSAY_URL: 'http://127.0.0.1:9', ASSAY_API_KEY: 'unit-test-key-123' };
      const help = await runCli(['--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/tasks[\s\S]*accounts/);
      const bad = await runCli(['tasks', 'list', '--limit', 'many'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--limit.*whole number/);
      const noOut = await runCli(['accounts', 'enrich', '--in', 'x.csv'], env);
      expect(noOut.code).toBe(2);
      expect(noOut.stderr).toContain('--out <file> is required');
      const badJson = await runCli(['tasks', 'create', 'diagnostic', '--data', '{nope'], env);
      expect(badJson.code).toBe(2);
      expect(badJson.stderr).toMatch(/--data is not valid JSON/);
    });
  });
});
