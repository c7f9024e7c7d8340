import { DynamicModule, Module } from '@nestjs/common';
import { LeadsController } from './api/leads.controller';
import { LeadsService } from './api/leads.service';
import { LeadEvaluator } from './evaluation/lead-evaluator.service';
import { EnrichmentStage } from './generation/enrichment.stage';
import { LeadEstimate } from './generation/lead-estimate';
import { LeadGenerationTask } from './generation/lead-generation.task';
import { OrganizationStage } from './generation/organization.stage';
import { PeopleModule } from './people.module';
import { LeadsStorageModule } from './storage/leads-storage.module';

/**
 * Leads: the `lead_identification_apollo` task (people at an account from the people.search
 * providers or an LLM web search, evaluated for a product, the best enriched), the leads store
 * with evaluation history, and its API.
 */
@Module({})
export class LeadsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: LeadsModule,
      imports: [PeopleModule, LeadsStorageModule],
      controllers: opts.api ? [LeadsController] : [],
      providers: [
        LeadsService,
        LeadEvaluator,
        OrganizationStage,
        EnrichmentStage,
        LeadEstimate,
        LeadGenerationTask,
      ],
    };
  }
}
