import { Module } from '@nestjs/common';
import { ProxyCurlProvider } from './proxycurl.provider';

/** The dead ProxyCurl API, off unless PROXYCURL_ENABLED=true (see proxycurl.provider.ts). */
@Module({ providers: [ProxyCurlProvider] })
export class ProxyCurlModule {}
