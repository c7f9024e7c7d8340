import { Module } from '@nestjs/common';
import { lookup as dnsLookup } from 'node:dns';
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
    { provide: WEB_DNS_RESOLVER, useValue: dnsLookup },
  ],
  exports: [SiteReaderService],
})
export class BuiltinWebModule {}
