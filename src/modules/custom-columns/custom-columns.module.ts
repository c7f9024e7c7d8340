import { DynamicModule, Module } from '@nestjs/common';
import { ColumnsController } from './api/columns.controller';
import { ColumnsService } from './api/columns.service';
import { ColumnsSettings } from './columns.settings';
import { DefinitionSync } from './dependencies/definition-sync';
import { ColumnEstimate } from './run/column-estimate';
import { ColumnEvaluator } from './run/column-evaluator';
import { ColumnGenerator } from './run/column-generator';
import { CustomColumnTask } from './run/custom-column.task';
import { ModelCatalog } from './run/model-catalog';
import { SearchChecker } from './run/search-checker';
import { ColumnsStorageModule } from './storage/columns-storage.module';

/**
 * AI custom columns (issue 12): the `custom_column` task (seed route and
 * `POST /api/v1/columns/{column_id}/run`), model routing, per-type coercion with one repair,
 * search validation, cached values, column dependencies, and the stored definitions and values.
 */
@Module({})
export class CustomColumnsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: CustomColumnsModule,
      imports: [ColumnsStorageModule],
      controllers: opts.api ? [ColumnsController] : [],
      providers: [
        ColumnsSettings,
        ModelCatalog,
        SearchChecker,
        ColumnGenerator,
        ColumnEvaluator,
        DefinitionSync,
        ColumnEstimate,
        CustomColumnTask,
        ColumnsService,
      ],
    };
  }
}
