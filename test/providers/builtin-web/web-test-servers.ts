import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { LookupAddress } from 'node:dns';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { loadConfig } from '../../../src/common/config/app.config';
import type { AddressResolver } from '../../../src/common/net/safe-http.client';
import type { ProviderResult } from '../../../src/providers/core/enrichment-provider';
import { resolveProviderSettings } from '../../../src/providers/core/provider-settings';
import {
  BUILTIN_WEB_METADATA,
  BuiltinWebProvider,
} from '../../../src/providers/builtin-web/builtin-web.provider';
import type { WebPage } from '../../../src/providers/web/web-read.types';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A local HTTP server that counts connections and requests; `handler` can be swapped per test. */
export interface TestSite {
  port: number;
  /** http://<host>:<port> of the first address it listens on. */
  origin: string;
  connections: number;
  requests: string[];
  handler: Handler;
  reset(): void;
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * One logical site listening on every host in `hosts` on the same port (the first picks the
 * port). A canary is a site listening on loopback spellings that must never be reached.
 */
export async function startSite(
  hosts: string[] = ['127.0.0.1'],
  handler: Handler = (_req, res) => res.end('ok'),
): Promise<TestSite> {
  const sockets = new Set<Socket>();
  const site: TestSite = {
    port: 0,
    origin: '',
    connections: 0,
    requests: [],
    handler,
    reset() {
      site.connections = 0;
      site.requests = [];
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
  const make = () => {
    const server = createServer((req, res) => {
      site.requests.push(`${req.headers.host ?? ''}${req.url ?? ''}`);
      site.handler(req, res);
    });
    server.on('connection', (s: Socket) => {
      site.connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return server;
  };
  const servers: Server[] = [];
  // The port of the first host may be taken on another loopback address: try a few ports.
  for (let attempt = 0; ; attempt++) {
    servers.length = 0;
    try {
      let port = 0;
      for (const host of hosts) {
        const server = make();
        servers.push(server);
        port = await listen(server, host, port);
      }
      site.port = port;
      break;
    } catch (err) {
      await Promise.all(
        servers.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))),
      );
      if (attempt >= 5) throw err;
    }
  }
  const first = hosts[0].includes(':') ? `[${hosts[0]}]` : hosts[0];
  site.origin = `http://${first}:${site.port}`;
  return site;
}

/**
 * Records every client TCP socket Node creates while active and whether it connected: the proof
 * that a blocked URL never produced a connection attempt (no socket at all) or never connected.
 */
export class SocketSpy {
  created: Array<{ connectedTo: string | null }> = [];
  private readonly onSocket = (msg: unknown) => {
    const entry: { connectedTo: string | null } = { connectedTo: null };
    this.created.push(entry);
    const socket = (msg as { socket: Socket }).socket;
    socket.once('connect', () => {
      entry.connectedTo = `${socket.remoteAddress}:${socket.remotePort}`;
    });
  };

  start(): this {
    this.created = [];
    subscribe('net.client.socket', this.onSocket);
    return this;
  }

  stop(): void {
    unsubscribe('net.client.socket', this.onSocket);
  }

  /** host:port of every socket that connected. */
  get connections(): string[] {
    return this.created.flatMap((c) => (c.connectedTo ? [c.connectedTo] : []));
  }
}

/** A resolver that answers from a table (host → addresses); other names do not exist. */
export function fakeDns(
  table: Record<string, string[] | (() => string[])>,
): AddressResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = ((hostname, _options, callback) => {
    calls.push(hostname);
    const entry = table[hostname.toLowerCase()];
    const list = typeof entry === 'function' ? entry() : entry;
    setImmediate(() => {
      if (!list) {
        const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
        }) as NodeJS.ErrnoException;
        return callback(err, []);
      }
      callback(
        null,
        list.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    });
  }) as AddressResolver & { calls: string[] };
  resolve.calls = calls;
  return resolve;
}

/** The provider with its config from `env` (WEB_FETCH_* etc.) and an optional resolver. */
export function makeReader(env: Record<string, string> = {}, resolve?: AddressResolver) {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const provider = new BuiltinWebProvider(config, resolve);
  const settings = resolveProviderSettings(
    BUILTIN_WEB_METADATA,
    {},
    { timeoutMs: config.PROVIDER_TIMEOUT_MS, maxConcurrency: config.PROVIDER_MAX_CONCURRENCY },
  );
  const read = (url: string, signal: AbortSignal = new AbortController().signal) =>
    provider.call({ capability: 'web.read', input: { url } }, { signal, settings }) as Promise<
      ProviderResult<WebPage>
    >;
  /** The error a read fails with (fails the test if it succeeds). */
  const failure = async (url: string, signal?: AbortSignal) => {
    const r = await read(url, signal).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    if (r.ok) throw new Error(`expected ${url} to fail, got ${JSON.stringify(r.v).slice(0, 300)}`);
    return r.e as import('../../../src/providers/core/provider-error').ProviderError;
  };
  return { provider, config, settings, read, failure };
}
