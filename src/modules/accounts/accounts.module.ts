import { DynamicModule, Module } from '@nestjs/common';
import { BuiltinWebModule } from '../../providers/builtin-web/builtin-web.module';
import { AccountEnhancementTask } from './account-enhancement.task';
import { AccountEnhancer } from './account-enhancer.service';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

/**
 * Accounts: the `account_enhancement` task (keyless site reading, optional vendors and LLM,
 * merged with provenance), the accounts store with versioned snapshots, and its API.
 */
@Module({})
export class AccountsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: AccountsModule,
      imports: [BuiltinWebModule],
      controllers: opts.api ? [AccountsController] : [],
      providers: [AccountsRepository, AccountsService, AccountEnhancer, AccountEnhancementTask],
    };
  }
}
