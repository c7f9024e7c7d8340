import { connect as netConnect, Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { SmtpSessionOptions } from './smtp-session';

/** Why a session could not go on: the verdict of every address still open in it is unknown. */
export class SmtpSessionError extends Error {
  constructor(
    readonly kind: 'timeout' | 'refused' | 'closed' | 'tls' | 'protocol',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A TCP connection to a mail host on the SMTP port: directly (the host's name resolved by the
 * session's guarded lookup), or through the SOCKS5 proxy, which resolves the name itself. Failures
 * are SmtpSessionErrors: `timeout` or `refused`.
 */
export async function connectSocket(host: string, opts: SmtpSessionOptions): Promise<Socket> {
  if (opts.proxy) {
    try {
      const { socket } = await SocksClient.createConnection({
        proxy: {
          host: opts.proxy.host,
          port: opts.proxy.port,
          type: 5,
          userId: opts.proxy.userId,
          password: opts.proxy.password,
        },
        command: 'connect',
        destination: { host, port: opts.port },
        timeout: opts.connectTimeoutMs,
      });
      return socket;
    } catch (err) {
      const msg = (err as Error).message;
      const kind = /timed? ?out/i.test(msg) ? 'timeout' : 'refused';
      throw new SmtpSessionError(kind, `through the SOCKS5 proxy: ${msg}`);
    }
  }
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host, port: opts.port, lookup: opts.lookup });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SmtpSessionError('timeout', `no connection within ${opts.connectTimeoutMs} ms`));
    }, opts.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = err.code ?? err.message;
      reject(
        new SmtpSessionError(
          code === 'ETIMEDOUT' ? 'timeout' : 'refused',
          `cannot connect: ${code}`,
        ),
      );
    });
  });
}
