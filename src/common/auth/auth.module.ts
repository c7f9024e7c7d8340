import { Global, Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard';

/**
 * One AuthGuard per process (its key digests and OIDC key cache are shared by every controller
 * that says `@UseGuards(AuthGuard)`, the ops guard and the queue dashboard).
 */
@Global()
@Module({ providers: [AuthGuard], exports: [AuthGuard] })
export class AuthModule {}
