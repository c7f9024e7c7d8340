import { registerDecorator, ValidationArguments } from 'class-validator';
import { runningCatalog } from '../run/model-catalog';
import { RESPONSE_TYPES, ResponseType, responseConfigProblem } from '../run/response-types';

/**
 * response_config fits the object's response_type: enum needs allowed_values, json_object a
 * schema that compiles, number sane bounds (the seed crashed on each, A2.4).
 */
export function IsResponseConfig(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isResponseConfig',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const type = (args.object as { response_type?: ResponseType }).response_type;
          if (!type || !RESPONSE_TYPES.includes(type)) return true; // response_type says why
          if (!value || typeof value !== 'object') return true; // IsObject says why
          return responseConfigProblem(type, value) === null;
        },
        defaultMessage(args: ValidationArguments) {
          const type = (args.object as { response_type: ResponseType }).response_type;
          const p = responseConfigProblem(type, args.value as never);
          return p ? `response_config.${p.field}: ${p.message}` : 'response_config is invalid';
        },
      },
    });
}

/**
 * ai_config.model is one the running application can route (model-routing.ts): an unknown name is
 * refused with the available ones. A known family whose provider is not configured passes here
 * (the seed's client names Gemini models); its entities then fail with the reason.
 */
export function IsAvailableModel(): PropertyDecorator {
  const problems = new WeakMap<object, string>();
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAvailableModel',
      target: target.constructor,
      propertyName: propertyName as string,
      async: true,
      validator: {
        async validate(value: unknown, args: ValidationArguments) {
          const catalog = runningCatalog();
          if (!catalog || typeof value !== 'string' || !value.trim()) return true;
          const route = await catalog.route(value);
          if (route.ok || route.known) return true;
          problems.set(args.object, route.message);
          return false;
        },
        defaultMessage(args: ValidationArguments) {
          return `ai_config.model: ${problems.get(args.object) ?? 'unknown model'}`;
        },
      },
    });
}
