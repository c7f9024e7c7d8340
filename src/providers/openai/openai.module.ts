import { Module } from '@nestjs/common';
import { OpenAiProvider } from './openai.provider';

@Module({ providers: [OpenAiProvider] })
export class OpenAiModule {}
