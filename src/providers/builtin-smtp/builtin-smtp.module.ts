import { Module } from '@nestjs/common';
import { BuiltinSmtpProvider } from './builtin-smtp.provider';

/** The keyless email verifier (`builtin_smtp`, email.verify). */
@Module({ providers: [BuiltinSmtpProvider] })
export class BuiltinSmtpModule {}
