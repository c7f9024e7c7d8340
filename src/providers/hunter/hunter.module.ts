import { Module } from '@nestjs/common';
import { HunterProvider } from './hunter.provider';

@Module({ providers: [HunterProvider] })
export class HunterModule {}
