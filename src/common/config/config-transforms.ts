import { parseBool } from '../http/query-bool';

/** class-transformer @Transform functions that turn environment strings into typed values. */
export const toBool = ({ value }: { value: unknown }) => parseBool(value);
export const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** A decimal number (`60`, `72.5`); anything else stays a string and fails @IsNumber. */
export const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;
export const toNumberList = (p: { value: unknown }) => {
  const list = toList(p);
  return Array.isArray(list)
    ? list.map((s: string) => (/^\d+(\.\d+)?$/.test(s) ? Number(s) : s))
    : list;
};
