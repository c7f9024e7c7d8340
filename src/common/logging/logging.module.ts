import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { AppConfig } from '../config/app.config';
import { logDestination } from './log-format';
import { redactSecrets } from './redact';
import { traceIdFor } from './trace';

const QUIET = /^\/(health|metrics)(\/|$|\?)/;

/** pino-http's options, or [options, stream] when lines go to the pretty printer. */
function withDestination(
  config: AppConfig,
  options: Options,
): Options | [Options, DestinationStream] {
  const destination = logDestination(config);
  return destination ? [options, destination] : options;
}

/**
 * Logs through nestjs-pino (JSON lines, or pretty ones on a terminal: LOG_FORMAT); trace id per
 * request; secrets redacted by key name.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: withDestination(config, {
            level: config.LOG_LEVEL,
            genReqId: (req, res) => traceIdFor(req, res),
            customAttributeKeys: { reqId: 'trace_id' },
            // Binds trace_id on every line of a request (pino-http only applies reqId this way).
            quietReqLogger: true,
            autoLogging: { ignore: (req: IncomingMessage) => QUIET.test(req.url ?? '') },
            serializers: {
              req: (req: {
                id: unknown;
                method: string;
                url: string;
                headers?: Record<string, unknown>;
              }) => ({
                id: req.id,
                method: req.method,
                url: req.url?.split('?')[0],
                headers: {
                  'user-agent': req.headers?.['user-agent'],
                  'content-length': req.headers?.['content-length'],
                },
                // Which credential header came, never its value.
                credential_via: req.headers?.['authorization']
                  ? 'authorization header'
                  : req.headers?.['x-api-key']
                    ? 'x-api-key header'
                    : undefined,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            formatters: {
              // req/res are raw Node objects here (this runs before the serializers above, which
              // pick safe fields): copying them would be costly and lose res.statusCode.
              log: ({ req, res, ...rest }: Record<string, unknown>) => ({
                ...(redactSecrets(rest) as Record<string, unknown>),
                ...(req !== undefined ? { req } : {}),
                ...(res !== undefined ? { res } : {}),
              }),
            },
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers["x-api-key"]',
                'req.headers.cookie',
                'headers.authorization',
                'headers["x-api-key"]',
              ],
              censor: '[REDACTED]',
            },
          }),
        }),
      ],
    };
  }
}
