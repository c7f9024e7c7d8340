import { Global, Logger, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { AuthGuard } from './auth.guard';
import { OidcVerifier } from './oidc-verifier';

/**
 * Inbound authentication. `@UseGuards(AuthGuard)` makes Nest build one AuthGuard per module that
 * says it; they all share the one OidcVerifier provided here, so the OIDC signing keys are fetched
 * and cached once per process. The exported AuthGuard serves the ops guard and the queue dashboard.
 */
@Global()
@Module({ providers: [OidcVerifier, AuthGuard], exports: [OidcVerifier, AuthGuard] })
export class AuthModule implements OnModuleInit {
  private readonly logger = new Logger('Auth');

  constructor(private readonly config: AppConfig) {}

  /** Said once at boot, here rather than in the guard, which Nest may build several times. */
  onModuleInit(): void {
    const modes = this.config.ASSAY_AUTH;
    this.logger.log(`inbound authentication: ASSAY_AUTH=${modes.join(',')}`);
    if (modes.includes('none')) {
      // Config already refuses none in production and on a non-loopback HOST; still shout.
      this.logger.warn(
        '!!! SECURITY WARNING: ASSAY_AUTH includes "none": any request WITHOUT credentials is ' +
          "served as an anonymous OPERATOR (every tenant's data, the queue dashboard). " +
          'For local development only; remove "none" from ASSAY_AUTH before exposing this process. !!!',
      );
    }
  }
}
