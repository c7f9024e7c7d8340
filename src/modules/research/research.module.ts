import { DynamicModule, Module } from '@nestjs/common';
import { ActivityAnalyzer } from './analysis/activity-analyzer';
import { ResearchController } from './api/research.controller';
import { ResearchService } from './api/research.service';
import { LinkedInResearchTask } from './linkedin-research.task';
import { ResearchEstimate } from './report/research-estimate';
import { ResearchReport } from './report/research-report';
import { ResearchRepository } from './storage/research.repository';

/**
 * Research: the `lead_linkedin_research` task (captured LinkedIn activity parsed in code,
 * analysed by the LLM, a report with email drafts), the lead's report history, and its API.
 */
@Module({})
export class ResearchModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: ResearchModule,
      controllers: opts.api ? [ResearchController] : [],
      providers: [
        ResearchService,
        ResearchRepository,
        ActivityAnalyzer,
        ResearchReport,
        ResearchEstimate,
        LinkedInResearchTask,
      ],
    };
  }
}
