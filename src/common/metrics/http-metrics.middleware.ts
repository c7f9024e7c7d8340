import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Times every HTTP request, including those answered before a controller runs (401 from the key
 * guard, 400/413 from the body parser, 404 for unknown paths). Labels use the route template
 * (`/api/v1/tasks/:job_id`), never the raw URL, so ids cannot explode the label set.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const path = (req.route as { path?: string } | undefined)?.path;
      const route =
        typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : req.baseUrl || 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
