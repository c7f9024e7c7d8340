import { existsSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, SMTPServerSession } from 'smtp-server';

/** What the server answers to a command: accept, a reply (code + text), or never answer. */
export type SmtpAnswer = 'accept' | 'hang' | { code: number; message: string };

export interface SmtpConnectionLog {
  id: string;
  /** Every command line the client sent, in order (RCPT/MAIL with their addresses). */
  commands: string[];
  /** Recipient domains asked about in this connection. */
  domains: Set<string>;
  secure: boolean;
  closed: boolean;
}

export interface TestSmtpOptions {
  /** The answer to each RCPT TO (default: accept). `nth`: earlier RCPTs of the address. */
  rcpt?: (address: string, nth: number) => SmtpAnswer | Promise<SmtpAnswer>;
  mailFrom?: (address: string) => SmtpAnswer;
  /** Refuse or stall the greeting. */
  connect?: () => SmtpAnswer;
  /** Offer STARTTLS with test/fixtures/tls/self-signed.crt (CN=localhost). */
  starttls?: boolean;
  /** Waited before answering the greeting, MAIL FROM and RCPT TO (latency of a real server). */
  delayMs?: number;
}

/** test/fixtures/tls, from the sources or from their build (dist/test/support). */
const TLS_DIR = [
  join(__dirname, '..', 'fixtures', 'tls'),
  join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls'),
].find((d) => existsSync(d))!;

/**
 * A local mail server (the `smtp-server` package on 127.0.0.1) that plays a scripted mailbox
 * world: every RCPT TO is answered by `rcpt(address)`. It logs every connection's commands and
 * counts, per recipient domain, how many sessions were open at once (`maxParallel`).
 */
export class TestSmtpServer {
  readonly connections = new Map<string, SmtpConnectionLog>();
  private readonly rcptCounts = new Map<string, number>();
  private readonly active = new Map<string, number>();
  /** The recipient domains of each open session (kept across reset, for `active`). */
  private readonly openDomains = new Map<string, Set<string>>();
  private readonly peak = new Map<string, number>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(opts: TestSmtpOptions = {}): Promise<TestSmtpServer> {
    // The server's handlers need the instance, which needs the listening server.
    const ref: { self?: TestSmtpServer } = {};
    const log = (id: string) => {
      let c = ref.self!.connections.get(id);
      if (!c) {
        c = { id, commands: [], domains: new Set(), secure: false, closed: false };
        ref.self!.connections.set(id, c);
      }
      return c;
    };
    const answer = async (
      a: SmtpAnswer | Promise<SmtpAnswer>,
      cb: (err?: Error | null) => void,
    ) => {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      const v = await a;
      if (v === 'hang') return;
      if (v === 'accept') return cb();
      cb(Object.assign(new Error(v.message), { responseCode: v.code }));
    };
    const noop = () => undefined;
    const server = new SMTPServer({
      hideSTARTTLS: !opts.starttls,
      ...(opts.starttls
        ? {
            key: readFileSync(join(TLS_DIR, 'self-signed.key')),
            cert: readFileSync(join(TLS_DIR, 'self-signed.crt')),
          }
        : {}),
      disabledCommands: ['AUTH'],
      banner: 'test mail server',
      // Commands are read from the debug log (every command line, with the connection id).
      logger: {
        level: noop,
        trace: noop,
        info: noop,
        warn: noop,
        error: noop,
        fatal: noop,
        debug: (data: { tnx?: string; cid?: string }, ...args: unknown[]) => {
          if (data?.tnx === 'command' && data.cid)
            log(data.cid).commands.push(String(args[1] ?? ''));
        },
      } as never,
      onConnect: (session, cb) => {
        log(session.id);
        void answer(opts.connect?.() ?? 'accept', cb);
      },
      onSecure: (_socket, session, cb) => {
        log(session.id).secure = true;
        cb();
      },
      onMailFrom: (address, _session, cb) =>
        void answer(opts.mailFrom?.(address.address) ?? 'accept', cb),
      onRcptTo: (address, session, cb) => {
        const a = address.address.toLowerCase();
        ref.self!.open(session, a.split('@')[1]);
        const nth = ref.self!.rcptCounts.get(a) ?? 0;
        ref.self!.rcptCounts.set(a, nth + 1);
        void answer(opts.rcpt?.(a, nth) ?? 'accept', cb);
      },
      onClose: (session) => ref.self!.close_(session),
    });
    server.on('error', noop);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    ref.self = new TestSmtpServer(server, (server.server.address() as AddressInfo).port);
    return ref.self;
  }

  private open(session: SMTPServerSession, domain: string): void {
    this.connections.get(session.id)?.domains.add(domain);
    const open = this.openDomains.get(session.id) ?? new Set<string>();
    this.openDomains.set(session.id, open);
    if (open.has(domain)) return;
    open.add(domain);
    const n = (this.active.get(domain) ?? 0) + 1;
    this.active.set(domain, n);
    this.peak.set(domain, Math.max(n, this.peak.get(domain) ?? 0));
  }

  private close_(session: SMTPServerSession): void {
    const c = this.connections.get(session.id);
    if (c) c.closed = true;
    for (const d of this.openDomains.get(session.id) ?? [])
      this.active.set(d, (this.active.get(d) ?? 1) - 1);
    this.openDomains.delete(session.id);
  }

  /** Connections that asked about `domain`. */
  connectionsFor(domain: string): SmtpConnectionLog[] {
    return [...this.connections.values()].filter((c) => c.domains.has(domain));
  }

  /** The most sessions about `domain` that were open at once. */
  maxParallel(domain: string): number {
    return this.peak.get(domain) ?? 0;
  }

  /**
   * Forgets the connection logs, the RCPT counts and the peaks; a session still closing on the
   * server's side keeps counting as open until it closes.
   */
  reset(): void {
    this.connections.clear();
    this.rcptCounts.clear();
    this.peak.clear();
    for (const [d, n] of this.active) this.peak.set(d, n);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (connections to it are refused). */
export async function refusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
