import { Module } from '@nestjs/common';
import { DeepgramProvider } from './deepgram.provider';

@Module({ providers: [DeepgramProvider] })
export class DeepgramModule {}
