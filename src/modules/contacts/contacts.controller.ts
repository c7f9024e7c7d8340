import { Body, Controller, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard } from '../../common/auth/auth.guard';
import { ApiAuthenticated } from '../../common/http/api-docs.decorators';
import { WaitQueryDto } from '../tasks/dto/task-requests.dto';
import { DryRunDto, TaskCreatedDto, TaskDetailDto } from '../tasks/dto/task-views.dto';
import {
  ApiNativeCreate,
  CreateRequest,
  CreateRequestOf,
  submitNative,
} from '../tasks/native-create';
import { TasksService } from '../tasks/tasks.service';
import { CONTACT_TASK } from './contact-enrichment.task';
import { EnrichContactsDto } from './dto/contact-enrichment.input';

@ApiTags('contacts')
@ApiAuthenticated()
@UseGuards(AuthGuard)
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly tasks: TasksService) {}

  @Post('enrich')
  @ApiOperation({
    operationId: 'enrichContacts',
    summary: 'Enrich a list of contacts in vendor batches (a contact_enrichment task)',
    description:
      'Up to 10,000 contacts, each with an email, a LinkedIn URL, or a name with a company or domain; ' +
      'deduplicated and sent to the person.enrich provider (Apollo people/bulk_match) 10 at a time. The ' +
      "result lists every contact in input order in ZapAI's shape, `enriched` or `unenriched` with the " +
      'reason, with provenance per field. 202 with the job id, `Location` and `Retry-After`; 200 with the ' +
      'estimate for dry_run. With `?wait=<seconds>` (at most 60): 200 with the finished task when it ends in time.',
  })
  @ApiNativeCreate()
  enrich(
    @Body() body: EnrichContactsDto,
    @Query() q: WaitQueryDto,
    @CreateRequest() req: CreateRequestOf,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TaskCreatedDto | TaskDetailDto | DryRunDto> {
    return submitNative(this.tasks, CONTACT_TASK, body, { ...req, wait: q.wait }, res);
  }
}
