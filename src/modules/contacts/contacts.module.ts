import { DynamicModule, Module } from '@nestjs/common';
import { ContactEnrichmentTask } from './contact-enrichment.task';
import { ContactsController } from './contacts.controller';
import { ContactEnricher } from './enrichment/contact-enricher.service';

/**
 * Contacts: the `contact_enrichment` task (contact lists through the `person.enrich` provider in
 * vendor batches, ZapAI's output shape with provenance) and its typed route.
 */
@Module({})
export class ContactsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: ContactsModule,
      controllers: opts.api ? [ContactsController] : [],
      providers: [ContactEnricher, ContactEnrichmentTask],
    };
  }
}
