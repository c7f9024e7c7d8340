import { Module } from '@nestjs/common';
import { ColumnsRepository } from './columns.repository';

/** The column definitions and values store. */
@Module({ providers: [ColumnsRepository], exports: [ColumnsRepository] })
export class ColumnsStorageModule {}
