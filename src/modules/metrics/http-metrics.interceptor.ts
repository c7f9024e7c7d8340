import {
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, tap } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Records HTTP duration by route template (never the raw URL, which would explode cardinality). */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
    const end = this.metrics.httpDuration.startTimer({ method: req.method, route });
    return next.handle().pipe(
      tap({
        next: () => end({ status: String(res.statusCode) }),
        error: (err) =>
          end({ status: String(err instanceof HttpException ? err.getStatus() : 500) }),
      }),
    );
  }
}
