// Input validation with zod: a failed parse becomes one VALIDATION DomainError naming the field,
// so a mutation refuses bad input before touching the database.
import type { z } from 'zod';
import { DomainError } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [prefix, ...issue.path.map(String)].join('.');
  throw new DomainError('VALIDATION', `${field}: ${issue.message}`, field);
}
