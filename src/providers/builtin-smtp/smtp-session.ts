import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { SocksProxy } from './builtin-smtp.settings';
import { connectSocket, SmtpSessionError } from './smtp-connect';

export { SmtpSessionError };

/** One SMTP reply: its code, the RFC 3463 enhanced code when given, and its text (lines joined). */
export interface SmtpReply {
  code: number;
  enhanced?: string;
  message: string;
}

export interface SmtpSessionOptions {
  port: number;
  heloName: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Resolves the MX host's name (the platform's DNS servers, guarded); unused behind a proxy. */
  lookup: LookupFunction;
  proxy: SocksProxy | null;
  tlsVerify: boolean;
  starttls: boolean;
  signal?: AbortSignal;
}

const MAX_REPLY_BYTES = 64 * 1024;
/** How long QUIT waits for the server's 221 and hang-up. */
const QUIT_WAIT_MS = 500;

/**
 * One SMTP client conversation with one mail host: connect (directly or through SOCKS5), greeting,
 * EHLO (HELO when EHLO is refused), STARTTLS when offered, then commands, pipelined in one write
 * when the server offers PIPELINING (RFC 2920). Every wait is bounded (connect, each reply).
 */
export class SmtpSession {
  private socket: Socket | TLSSocket;
  private buffer = '';
  private lines: string[] = [];
  private waiters: Array<{ resolve: (r: SmtpReply) => void; reject: (e: Error) => void }> = [];
  private replies: SmtpReply[] = [];
  private failure: SmtpSessionError | null = null;
  private extensions = new Set<string>();
  /** Whether the conversation runs over TLS. */
  tls = false;

  private constructor(
    readonly host: string,
    socket: Socket,
    private readonly opts: SmtpSessionOptions,
  ) {
    this.attach(socket);
    this.socket = socket;
  }

  /** Connects, reads the greeting, says EHLO and upgrades to TLS when offered. */
  static async open(host: string, opts: SmtpSessionOptions): Promise<SmtpSession> {
    const socket = await connectSocket(host, opts);
    const session = new SmtpSession(host, socket, opts);
    const onAbort = () => session.destroy(new SmtpSessionError('closed', 'aborted'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => opts.signal?.removeEventListener('abort', onAbort));
    try {
      const greeting = await session.reply();
      if (greeting.code !== 220) return session.refuseWith(greeting);
      await session.hello();
      if (opts.starttls && session.extensions.has('STARTTLS')) {
        const r = await session.command('STARTTLS');
        if (r.code === 220) {
          await session.upgrade();
          await session.hello();
        }
      }
      return session;
    } catch (err) {
      session.destroy();
      throw err;
    }
  }

  /** The greeting or EHLO was not a welcome: the session is over, the reply says why. */
  private refuseWith(reply: SmtpReply): never {
    this.destroy();
    throw Object.assign(new SmtpSessionError('protocol', `${reply.code} ${reply.message}`), {
      reply,
    });
  }

  private async hello(): Promise<void> {
    let r = await this.command(`EHLO ${this.opts.heloName}`);
    if (r.code >= 500 && r.code < 600) r = await this.command(`HELO ${this.opts.heloName}`);
    if (r.code !== 250) this.refuseWith(r);
    this.extensions = new Set(
      r.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/)[0].toUpperCase()),
    );
  }

  get pipelining(): boolean {
    return this.extensions.has('PIPELINING');
  }

  async command(line: string): Promise<SmtpReply> {
    return (await this.send([line]))[0];
  }

  /** Sends the commands (in one write when pipelining) and returns their replies in order. */
  async send(commands: string[]): Promise<SmtpReply[]> {
    if (this.failure) throw this.failure;
    if (this.pipelining) {
      this.socket.write(commands.map((c) => `${c}\r\n`).join(''));
      const out: SmtpReply[] = [];
      for (let i = 0; i < commands.length; i++) out.push(await this.reply());
      return out;
    }
    const out: SmtpReply[] = [];
    for (const c of commands) {
      this.socket.write(`${c}\r\n`);
      out.push(await this.reply());
    }
    return out;
  }

  /** Says QUIT and waits (briefly) for the server to answer and hang up, then closes. */
  async quit(): Promise<void> {
    if (!this.failure && !this.socket.destroyed) {
      const closed = new Promise((r) => this.socket.once('close', r));
      this.socket.write('QUIT\r\n');
      await Promise.race([
        Promise.all([this.reply().catch(() => undefined), closed]),
        new Promise((r) => setTimeout(r, QUIT_WAIT_MS).unref()),
      ]);
    }
    this.destroy();
  }

  destroy(reason?: SmtpSessionError): void {
    this.fail(reason ?? new SmtpSessionError('closed', 'session closed'));
    this.socket.destroy();
  }

  private attach(socket: Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(new SmtpSessionError('closed', `connection error: ${err.code ?? err.message}`)),
    );
    socket.on('close', () =>
      this.fail(new SmtpSessionError('closed', 'connection closed by the server')),
    );
  }

  private async upgrade(): Promise<void> {
    const raw = this.socket as Socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    raw.removeAllListeners('error');
    const secure = await withTimeout(
      new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect({
          socket: raw,
          servername: isIP(this.host) ? undefined : this.host,
          rejectUnauthorized: this.opts.tlsVerify,
        });
        s.once('secureConnect', () => resolve(s));
        s.once('error', (err: Error) => reject(new SmtpSessionError('tls', `TLS: ${err.message}`)));
      }),
      this.opts.commandTimeoutMs,
      () => raw.destroy(),
      'TLS handshake',
    );
    this.socket = secure;
    this.attach(secure);
    this.tls = true;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_REPLY_BYTES) {
      this.destroy(new SmtpSessionError('protocol', 'reply too long'));
      return;
    }
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!m) {
        this.destroy(new SmtpSessionError('protocol', 'not an SMTP reply'));
        return;
      }
      this.lines.push(m[3]);
      if (m[2] === '-') continue;
      const enhanced = /^([245]\.\d{1,3}\.\d{1,3})\s/.exec(`${this.lines[0]} `)?.[1];
      const text = this.lines.map((l) =>
        enhanced ? l.replace(/^[245]\.\d{1,3}\.\d{1,3}\s*/, '') : l,
      );
      this.lines = [];
      const reply: SmtpReply = { code: Number(m[1]), enhanced, message: text.join('\n').trim() };
      const waiter = this.waiters.shift();
      if (waiter) waiter.resolve(reply);
      else this.replies.push(reply);
    }
  }

  private fail(err: SmtpSessionError): void {
    if (!this.failure) this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  /** The next reply, within the command timeout (a silent server ends the session). */
  private reply(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return withTimeout(
      new Promise<SmtpReply>((resolve, reject) => this.waiters.push({ resolve, reject })),
      this.opts.commandTimeoutMs,
      () =>
        this.destroy(
          new SmtpSessionError('timeout', `no reply within ${this.opts.commandTimeoutMs} ms`),
        ),
      'reply',
    );
  }
}

function withTimeout<T>(
  p: Promise<T>,
  ms: number,
  onTimeout: () => void,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new SmtpSessionError('timeout', `no ${what} within ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
