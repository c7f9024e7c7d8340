import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ApiSecurity, ApiBearerAuth } from '@nestjs/swagger';

const problem = (description: string) => ({
  description,
  content: {
    'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
  },
});

/** The error responses every authenticated route can give, documented once. */
export function ApiAuthenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth('bearer'),
    ApiSecurity('api-key'),
    ApiResponse({ status: 401, ...problem('Missing or wrong API key') }),
  );
}

export function ApiProblem(status: number, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiResponse({ status, ...problem(description) }));
}
