import { DynamicModule, Module } from '@nestjs/common';
import { PeopleModule } from '../leads/people.module';
import { LeadsStorageModule } from '../leads/storage/leads-storage.module';
import { EmailsController } from './api/emails.controller';
import { EmailsService } from './api/emails.service';
import { DomainFinder } from './finding/domain.finder';
import { EmailEstimate } from './finding/email-estimate';
import { EmailFindingTask } from './finding/email-finding.task';
import { EmailVerificationTask } from './verification/email-verification.task';
import { PatternKnowledge } from './finding/pattern-knowledge';
import { PersonFinder } from './finding/person.finder';
import { VerifyStage } from './finding/verify.stage';
import { EmailJobClaims } from './jobs/email-job-claims';
import { EmailJobCreate } from './jobs/email-job-create';
import { EmailJobFeeder } from './jobs/email-job-feeder';
import { EmailJobProgress } from './jobs/email-job-progress';
import { EmailJobStates } from './jobs/email-job-states';
import { EmailJobsController } from './jobs/email-jobs.controller';
import { EmailJobsService } from './jobs/email-jobs.service';
import { EmailsRepository } from './storage/emails.repository';

/**
 * Emails: the `email_finding` task (a person's, a stored lead's or a domain's decision-makers'
 * work addresses, verified and kept by SEED-CONTRACTS part C's rules), the emails and domain
 * pattern store, feedback, batch jobs (EmailJobsService), and the API.
 */
@Module({})
export class EmailsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: EmailsModule,
      imports: [PeopleModule, LeadsStorageModule],
      controllers: opts.api ? [EmailsController, EmailJobsController] : [],
      providers: [
        EmailsRepository,
        EmailsService,
        VerifyStage,
        PatternKnowledge,
        PersonFinder,
        DomainFinder,
        EmailFindingTask,
        EmailEstimate,
        EmailVerificationTask,
        EmailJobProgress,
        EmailJobClaims,
        EmailJobCreate,
        EmailJobFeeder,
        EmailJobStates,
        EmailJobsService,
      ],
      exports: [EmailJobsService],
    };
  }
}
