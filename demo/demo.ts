/**
 * `npm run demo`: the README's account example, reproducible offline. Serves the bundled demo
 * company site (demo/site: "Brightforge Robotics") on 127.0.0.1, starts Assay in this process
 * (PostgreSQL and Redis as for `npm start`), enriches the site keyless through the HTTP API, and
 * prints the stored account: processed_data and where each value came from.
 */
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../src/bootstrap';
import { developmentKey } from '../src/common/auth/dev-key';
import { loadConfig, loadDotEnv } from '../src/common/config/app.config';
import { ensureDatabase, ensureRedis } from '../src/common/startup/dependencies';
import { runMigrations } from '../src/database/migrate';

type Json = Record<string, any>;

/** The pages of the demo site, by path (relative links between them, as a real small site). */
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/about.html': 'about.html',
  '/customers.html': 'customers.html',
  '/customers': 'customers.html',
  '/customers/globex': 'customers-globex.html',
};

/** The site's folder: demo/site, next to this file's source (dist/demo → ../../demo/site). */
function siteDir(): string {
  for (const dir of [join(__dirname, 'site'), join(__dirname, '..', '..', 'demo', 'site')]) {
    try {
      readFileSync(join(dir, 'index.html'));
      return dir;
    } catch {
      // Not this one.
    }
  }
  throw new Error('demo/site not found: run the demo from the repository (npm run demo)');
}

export async function serveDemoSite(): Promise<{ url: string; server: Server }> {
  const dir = siteDir();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const file = PAGES[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', server: 'nginx/1.24.0' })
      .end(readFileSync(join(dir, file)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * Runs the demo with `env` (the process environment by default) and returns the account; writes
 * its report to `out`.
 */
export async function runDemo(
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<Json> {
  const site = await serveDemoSite();
  const config = loadConfig({
    ...env,
    // The demo site is on loopback: let the web reader read it.
    WEB_FETCH_ALLOWED_HOSTS: [env.WEB_FETCH_ALLOWED_HOSTS, '127.0.0.1'].filter(Boolean).join(','),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  if (!config.ASSAY_API_KEYS.length) config.ASSAY_API_KEYS = [developmentKey().key];
  const key = config.ASSAY_API_KEYS[0].split(':')[0];
  await Promise.all([ensureDatabase(config), ensureRedis(config)]);
  if (config.DATABASE_MIGRATIONS_RUN) await runMigrations(config);
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const call = async (method: string, path: string, body?: unknown): Promise<Json> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Json;
      if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${json.detail}`);
      return json;
    };

    out(`Demo company site: ${site.url} (demo/site)`);
    const created = await call('POST', '/api/v1/accounts/enrich', {
      website: site.url,
      account_id: 'demo-brightforge',
      refresh: true,
    });
    out(`Task ${created.job_id} (${created.status}); waiting for it…`);
    let task: Json = created;
    for (let i = 0; i < 600; i++) {
      task = await call('GET', `/api/v1/tasks/${created.job_id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(task.status)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (task.status !== 'succeeded') {
      throw new Error(`the task ended ${task.status}: ${task.error?.message ?? 'see its status'}`);
    }
    const account = await call('GET', '/api/v1/accounts/demo-brightforge');
    out('');
    out("processed_data (the seed's AccountEnhancement keys):");
    out(JSON.stringify(account.processed_data, null, 2));
    out('');
    out('Where each value came from (profile.fields.<field>.value):');
    for (const [field, entry] of Object.entries(account.profile.fields as Json)) {
      const v = entry.kind === 'single' ? entry.value : entry.values?.[0];
      if (!v) continue;
      out(`  ${field.padEnd(16)} ${v.method.padEnd(7)} ${v.detail ?? ''} ← ${v.source}`);
    }
    return account;
  } finally {
    await app.close();
    await new Promise((r) => site.server.close(r));
  }
}

if (require.main === module) {
  loadDotEnv();
  runDemo().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
