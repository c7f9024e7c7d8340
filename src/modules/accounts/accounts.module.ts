import { DynamicModule, Module } from '@nestjs/common';
import { AccountEnhancementTask } from './account-enhancement.task';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AccountEnhancer } from './enhancement/account-enhancer.service';
import { EnhancementEstimate } from './enhancement/estimate';
import { LlmStages } from './enhancement/llm.stages';
import { SiteStage } from './enhancement/site.stage';
import { VendorsStage } from './enhancement/vendors.stage';

/**
 * Accounts: the `account_enhancement` task (keyless site reading, optional vendors and LLM,
 * merged with provenance), the accounts store with versioned snapshots, and its API.
 */
@Module({})
export class AccountsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: AccountsModule,
      controllers: opts.api ? [AccountsController] : [],
      providers: [
        AccountsRepository,
        AccountsService,
        AccountEnhancer,
        SiteStage,
        VendorsStage,
        LlmStages,
        EnhancementEstimate,
        AccountEnhancementTask,
      ],
    };
  }
}
