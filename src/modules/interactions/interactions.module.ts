import { DynamicModule, Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { diskStorage } from 'multer';
import { AppConfig } from '../../common/config/app.config';
import { AudioUpload } from './api/audio-upload';
import { InteractionsSeedController } from './api/interactions-seed.controller';
import { InteractionsController } from './api/interactions.controller';
import { InteractionsService } from './api/interactions.service';
import { PeopleExtraction } from './people/people-extraction';
import { ProfileLookup } from './people/profile-lookup';
import { EmbeddingStage } from './pipeline/embedding.stage';
import { InteractionEnrichmentTask } from './pipeline/enrichment.task';
import { InteractionStages } from './pipeline/interaction-stages';
import { InteractionTranscriptionTask } from './pipeline/transcription.task';
import { InteractionsRepository } from './storage/interactions.repository';
import { SynthesisStage } from './synthesis/synthesis';

/**
 * Interactions (seed 004): a recorded conversation → a scrubbed transcript (embedded, searchable),
 * the people in it looked up, and the insight and warm outreach drafts; two chained task types
 * (transcription ahead of enrichment), the seed's /api/v2 routes and the native /api/v1 ones.
 */
@Module({})
export class InteractionsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: InteractionsModule,
      imports: opts.api
        ? [
            // Uploads stream to disk (never whole in memory), at most the configured size.
            MulterModule.registerAsync({
              inject: [AppConfig],
              useFactory: (config: AppConfig) => {
                mkdirSync(config.INTERACTIONS_AUDIO_DIR, { recursive: true });
                return {
                  storage: diskStorage({
                    destination: config.INTERACTIONS_AUDIO_DIR,
                    filename: (_req, _file, cb) => cb(null, `${randomUUID()}.upload`),
                  }),
                  limits: {
                    fileSize: config.INTERACTIONS_MAX_UPLOAD_MB * 1024 * 1024,
                    files: 1,
                    fields: 10,
                    fieldSize: 4096,
                  },
                };
              },
            }),
          ]
        : [],
      controllers: opts.api ? [InteractionsController, InteractionsSeedController] : [],
      providers: [
        InteractionsRepository,
        InteractionsService,
        AudioUpload,
        EmbeddingStage,
        PeopleExtraction,
        ProfileLookup,
        SynthesisStage,
        InteractionStages,
        InteractionTranscriptionTask,
        InteractionEnrichmentTask,
      ],
      exports: [InteractionsService],
    };
  }
}
