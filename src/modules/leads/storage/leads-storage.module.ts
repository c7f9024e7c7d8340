import { Module } from '@nestjs/common';
import { LeadsRepository } from './leads.repository';

/** The leads store, for lead generation and for the modules that read stored leads (emails). */
@Module({ providers: [LeadsRepository], exports: [LeadsRepository] })
export class LeadsStorageModule {}
