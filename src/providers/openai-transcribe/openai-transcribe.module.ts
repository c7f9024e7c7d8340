import { Module } from '@nestjs/common';
import { OpenAiTranscribeProvider } from './openai-transcribe.provider';

@Module({ providers: [OpenAiTranscribeProvider] })
export class OpenAiTranscribeModule {}
