import { Module } from '@nestjs/common';
import { JinaReaderProvider } from './jina-reader.provider';
import { JinaSearchProvider } from './jina-search.provider';

/** Jina Reader (`jina`, web.read, keyless possible) and Jina Search (`jina_search`, needs a key). */
@Module({ providers: [JinaReaderProvider, JinaSearchProvider] })
export class JinaModule {}
