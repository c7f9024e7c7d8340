import { Module } from '@nestjs/common';
import { EnrichLayerProvider } from './enrichlayer.provider';

@Module({ providers: [EnrichLayerProvider] })
export class EnrichLayerModule {}
