import { Module } from '@nestjs/common';
import { BrightDataProvider } from './brightdata.provider';

@Module({ providers: [BrightDataProvider] })
export class BrightDataModule {}
