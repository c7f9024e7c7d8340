import { IntersectionType } from '@nestjs/swagger';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { LinkedInResearchInput } from './linkedin-research.input';

/** `POST /api/v1/research/linkedin`: the seed payload's fields plus the typed task options. */
export class LinkedInResearchDto extends IntersectionType(
  LinkedInResearchInput,
  TypedTaskOptionsDto,
) {}
