import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeyGuard } from '../../common/auth/api-key.guard';
import { AppConfig } from '../../common/config/app.config';

/** /health and /metrics are open by default (probes, Prometheus); OPS_REQUIRE_API_KEY closes them. */
@Injectable()
export class OpsGuard implements CanActivate {
  private readonly keyGuard: ApiKeyGuard;
  constructor(private readonly config: AppConfig) {
    this.keyGuard = new ApiKeyGuard(config);
  }
  canActivate(context: ExecutionContext): boolean {
    return this.config.OPS_REQUIRE_API_KEY ? this.keyGuard.canActivate(context) : true;
  }
}
