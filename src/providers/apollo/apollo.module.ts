import { Module } from '@nestjs/common';
import { ApolloProvider } from './apollo.provider';

@Module({ providers: [ApolloProvider] })
export class ApolloModule {}
