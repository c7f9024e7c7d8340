import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from './auth.guard';
import { AppConfig } from '../config/app.config';

/** /health and /metrics are open by default (probes, Prometheus); OPS_REQUIRE_API_KEY closes them. */
@Injectable()
export class OpsGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly auth: AuthGuard,
  ) {}
  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    return this.config.OPS_REQUIRE_API_KEY ? this.auth.canActivate(context) : true;
  }
}
