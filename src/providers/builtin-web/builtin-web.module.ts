import { Module } from '@nestjs/common';
import { AppConfig } from '../../common/config/app.config';
import { outboundResolver } from '../../common/net/dns-resolver';
import { BuiltinWebProvider, WEB_DNS_RESOLVER } from './builtin-web.provider';
import { SiteReaderService } from './site-reader.service';

/**
 * The keyless web reader (`builtin_web`, web.read) and the site reader built on it. Import this
 * module (e.g. from the accounts module) to inject SiteReaderService.
 */
@Module({
  providers: [
    BuiltinWebProvider,
    SiteReaderService,
    {
      provide: WEB_DNS_RESOLVER,
      useFactory: (config: AppConfig) => outboundResolver(config.OUTBOUND_DNS_SERVERS),
      inject: [AppConfig],
    },
  ],
  exports: [SiteReaderService],
})
export class BuiltinWebModule {}
