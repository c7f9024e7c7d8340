import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

/** A secret planted in the configuration, to be looked for everywhere afterwards. */
export interface Canary {
  name: string;
  value: string;
}

/** Where some text was found (a table, a Redis key, a response, a callback, the logs). */
export interface Haystack {
  where: string;
  text: string;
}

export interface Hit {
  where: string;
  canary: string;
  form: string;
  excerpt: string;
}

/**
 * A random canary: random characters first (so that even a truncated prefix is recognisable),
 * then the name, then more random characters. `extra` adds characters that URL-encoding changes.
 */
export function canaryValue(name: string, extra = ''): string {
  return `k${randomBytes(6).toString('hex')}${extra}${name}${randomBytes(10).toString('hex')}`;
}

/**
 * The stretches of base64 that encode `value` wherever it sits in a larger encoded blob (such as
 * `user:value` in a Basic credential): one per byte alignment, only the characters that depend
 * on `value` alone.
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (const offset of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const from = Math.ceil((8 * offset) / 6);
    const to = Math.floor((8 * (offset + bytes.length)) / 6);
    const frag = b64.slice(from, to);
    out.push(frag, frag.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(out)];
}

/** Every form of a canary that counts as a leak. */
export function canaryForms(value: string): Array<{ form: string; text: string }> {
  const forms = [
    { form: 'raw', text: value },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    { form: 'url-encoded (lower-case hex)', text: encodeURIComponent(value).toLowerCase() },
    { form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
    // A truncated copy (an error message cut at its maximum length) leaks the start of the key.
    { form: 'prefix', text: value.slice(0, 12) },
    ...base64Fragments(value).map((text) => ({ form: 'base64', text })),
  ];
  const seen = new Set<string>();
  return forms.filter((f) => !seen.has(f.text) && seen.add(f.text));
}

/** Every occurrence of any canary, in any form, in the haystacks. */
export function findCanaries(haystacks: Haystack[], canaries: Canary[]): Hit[] {
  const hits: Hit[] = [];
  for (const c of canaries) {
    const forms = canaryForms(c.value);
    for (const h of haystacks) {
      for (const f of forms) {
        const i = h.text.indexOf(f.text);
        if (i < 0) continue;
        hits.push({
          where: h.where,
          canary: c.name,
          form: f.form,
          excerpt: h.text.slice(Math.max(0, i - 80), i + f.text.length + 40),
        });
      }
    }
  }
  return hits;
}

/** Every row of every table of the database, as text. */
export async function databaseText(ds: DataSource): Promise<Haystack[]> {
  const tables = (await ds.query(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1, 2`,
  )) as Array<{ table_schema: string; table_name: string }>;
  const out: Haystack[] = [];
  for (const { table_schema: s, table_name: n } of tables) {
    const q = (x: string) => `"${x.replace(/"/g, '""')}"`;
    const rows = (await ds.query(`SELECT t::text AS row FROM ${q(s)}.${q(n)} t`)) as Array<{
      row: string;
    }>;
    out.push({
      where: `table ${s}.${n} (${rows.length} rows)`,
      text: rows.map((r) => r.row).join('\n'),
    });
  }
  return out;
}

/** Every Redis key under `prefix`, with its value whatever its type. */
export async function redisText(redisUrl: string, prefix: string): Promise<Haystack[]> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000');
      cursor = next;
      for (const k of batch) keys.add(k);
    } while (cursor !== '0');
    const out: Haystack[] = [];
    for (const key of [...keys].sort()) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      else value = `(${type})`;
      out.push({ where: `redis ${type} ${key}`, text: `${key}\n${JSON.stringify(value)}` });
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

type WriteFn = (...args: any[]) => any;

/**
 * Captures everything the process writes to stdout and stderr while it is on: pino writes to fd 1
 * through fs.write/fs.writeSync (sonic-boom), other code through process.stdout/stderr or the
 * console. The output is kept (and not printed) until `stop()`.
 */
export class OutputCapture {
  private readonly chunks: string[] = [];
  private readonly restore: Array<() => void> = [];

  start(): this {
    const record = (chunk: unknown) =>
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    const isStd = (fd: unknown) => fd === 1 || fd === 2;
    const patch = <T extends object>(obj: T, key: keyof T, make: (orig: WriteFn) => WriteFn) => {
      const orig = obj[key] as unknown as WriteFn;
      (obj as Record<keyof T, unknown>)[key] = make(orig);
      this.restore.push(() => ((obj as Record<keyof T, unknown>)[key] = orig));
    };
    const length = (chunk: unknown) =>
      Buffer.isBuffer(chunk) ? chunk.length : Buffer.byteLength(String(chunk));
    patch(fs, 'writeSync', (orig) => (fd: unknown, chunk: unknown, ...rest: unknown[]) => {
      if (!isStd(fd)) return orig(fd, chunk, ...rest);
      record(chunk);
      return length(chunk);
    });
    patch(fs, 'write', (orig) => (fd: unknown, chunk: unknown, ...rest: unknown[]) => {
      if (!isStd(fd)) return orig(fd, chunk, ...rest);
      record(chunk);
      const cb = rest.reverse().find((r) => typeof r === 'function') as WriteFn | undefined;
      const n = length(chunk);
      if (cb) process.nextTick(() => cb(null, n, chunk));
    });
    for (const stream of [process.stdout, process.stderr]) {
      patch(stream, 'write', () => (chunk: unknown, ...rest: unknown[]) => {
        record(chunk);
        const cb = rest.find((r) => typeof r === 'function') as WriteFn | undefined;
        if (cb) process.nextTick(cb);
        return true;
      });
    }
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      patch(console, level, () => (...args: unknown[]) => {
        record(
          `${args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`,
        );
      });
    }
    return this;
  }

  get text(): string {
    return this.chunks.join('');
  }

  stop(): void {
    for (const r of this.restore.splice(0).reverse()) r();
  }
}
