import { Module } from '@nestjs/common';
import { BuiltWithProvider } from './builtwith.provider';

@Module({ providers: [BuiltWithProvider] })
export class BuiltWithModule {}
