import { Module } from '@nestjs/common';
import { DiagnosticTask } from './diagnostic.task';

@Module({ providers: [DiagnosticTask] })
export class DiagnosticModule {}
