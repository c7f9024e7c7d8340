import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app.config';
import { redactSecrets } from './redact';
import { traceIdFor } from './trace';

const QUIET = /^\/(health|metrics)(\/|$|\?)/;

/** JSON logs through nestjs-pino; trace id per request; secrets redacted by key name. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: (req, res) => traceIdFor(req, res),
            customAttributeKeys: { reqId: 'trace_id' },
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
                headers: redactSecrets({
                  'user-agent': req.headers?.['user-agent'],
                  'content-length': req.headers?.['content-length'],
                  authorization: req.headers?.['authorization'] ? 'present' : undefined,
                  'x-api-key': req.headers?.['x-api-key'] ? 'present' : undefined,
                }),
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            formatters: {
              log: (obj: Record<string, unknown>) => redactSecrets(obj) as Record<string, unknown>,
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
          },
        }),
      ],
    };
  }
}
