import { Module } from '@nestjs/common';
import { PeopleStage } from './generation/people.stage';

/**
 * The people at a company (the people.search waterfall, then an LLM web search): used by lead
 * generation and by email finding (a domain's decision-makers).
 */
@Module({ providers: [PeopleStage], exports: [PeopleStage] })
export class PeopleModule {}
