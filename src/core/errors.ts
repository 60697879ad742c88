import { GraphQLError } from 'graphql';

// Domain errors: every refusal a user can meet has a code from this list. Services throw them;
// the schema turns them into the typed `DomainError` result of a mutation.
export const ErrorCodes = [
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'VALIDATION',
  'CONFLICT',
  'THRESHOLD_NOT_MET',
  'COMMUNITY_FULL',
  'INSUFFICIENT_POINTS',
  'OUT_OF_STOCK',
  'ALREADY_CHECKED_IN',
  'CAMPAIGN_NOT_RUNNING',
  'CAP_REACHED',
  'INVALID_STATE',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

// A GraphQLError, so where it is not caught into a mutation's result union (queries, subscriptions,
// context creation) it still reaches the client with its code instead of being masked.
export class DomainError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a path like "input.capacity", when there is one. */
    readonly field?: string,
  ) {
    super(message, { extensions: { code, ...(field ? { field } : {}) } });
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, field?: string) => new DomainError('NOT_FOUND', `${what} not found`, field);
export const invalid = (field: string, message: string) => new DomainError('VALIDATION', message, field);
