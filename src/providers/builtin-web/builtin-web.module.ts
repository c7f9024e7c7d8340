import { Module } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import { outboundResolver } from '../../common/net/dns-resolver';
import { BuiltinWebProvider, WEB_DNS_RESOLVER } from './builtin-web.provider';

/**
 * The keyless web reader (`builtin_web`, web.read). The site reader built on it
 * (web/site-reader.service.ts) is provided by ProvidersModule to every feature.
 */
@Module({
  providers: [
    BuiltinWebProvider,
    {
      provide: WEB_DNS_RESOLVER,
      useFactory: (config: AppConfig) => outboundResolver(config.OUTBOUND_DNS_SERVERS),
      inject: [AppConfig],
    },
  ],
})
export class BuiltinWebModule {}
