import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { toBool, toInt, toList } from './config-transforms';

/*
 * The usual kinds of setting, each a transform of the environment string and its checks: one
 * decorator instead of the same three or four lines on every setting of that kind.
 */

/** Applies decorators as if written one above the other, the first on top. */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorator of [...decorators].reverse()) decorator(target, key);
  };
}

/** A whole number, at least `min` and, when given, at most `max`. */
export function IntSetting(min: number, max?: number): PropertyDecorator {
  return stacked(Transform(toInt), IsInt(), Min(min), ...(max === undefined ? [] : [Max(max)]));
}

/** true or false (also 1/0, yes/no, on/off, in any case). */
export function BoolSetting(): PropertyDecorator {
  return stacked(Transform(toBool), IsBoolean());
}

/** A comma-separated list of strings (empty items dropped). */
export function ListSetting(): PropertyDecorator {
  return stacked(Transform(toList), IsString({ each: true }));
}
