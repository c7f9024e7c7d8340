import { Module } from '@nestjs/common';
import { PerplexityProvider } from './perplexity.provider';

@Module({ providers: [PerplexityProvider] })
export class PerplexityModule {}
