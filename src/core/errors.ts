// Domain errors: every refusal a user can meet has a code from this list. Services throw them as plain
// classes (no GraphQL here); the schema maps each class to a typed error at the edge (core/error-types.ts),
// and a mutation's result union names the ones it can return.
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
  'NOT_AVAILABLE',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

/**
 * A refusal: nothing was changed. `new DomainError('NOT_FOUND', …)` builds the subclass for its code
 * (a `NotFoundError`), so call sites may name the code or the class alike and `instanceof` agrees.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a path like "input.capacity", when there is one. */
    readonly field?: string,
  ) {
    super(message);
    // Called as `new DomainError(code, …)`: answer the subclass for the code instead.
    if (new.target === DomainError) return new ErrorClasses[code](message, field);
  }
}

type ErrorClass = new (message: string, field?: string) => DomainError;

/** One class per code; `code` is fixed by the class. */
function errorClass<C extends ErrorCode>(code: C, name: string) {
  const cls = {
    [name]: class extends DomainError {
      declare readonly code: C;
      constructor(message: string, field?: string) {
        super(code, message, field);
        this.name = name;
      }
    },
  }[name];
  return cls;
}

export const NotFoundError = errorClass('NOT_FOUND', 'NotFoundError');
export const ForbiddenError = errorClass('FORBIDDEN', 'ForbiddenError');
export const UnauthenticatedError = errorClass('UNAUTHENTICATED', 'UnauthenticatedError');
export const ValidationError = errorClass('VALIDATION', 'ValidationError');
export const ConflictError = errorClass('CONFLICT', 'ConflictError');
export const ThresholdNotMetError = errorClass('THRESHOLD_NOT_MET', 'ThresholdNotMetError');
export const CommunityFullError = errorClass('COMMUNITY_FULL', 'CommunityFullError');
export const InsufficientPointsError = errorClass('INSUFFICIENT_POINTS', 'InsufficientPointsError');
export const OutOfStockError = errorClass('OUT_OF_STOCK', 'OutOfStockError');
export const AlreadyCheckedInError = errorClass('ALREADY_CHECKED_IN', 'AlreadyCheckedInError');
export const CampaignNotRunningError = errorClass('CAMPAIGN_NOT_RUNNING', 'CampaignNotRunningError');
export const CapReachedError = errorClass('CAP_REACHED', 'CapReachedError');
export const InvalidStateError = errorClass('INVALID_STATE', 'InvalidStateError');
export const NotAvailableError = errorClass('NOT_AVAILABLE', 'NotAvailableError');

/** The class of each code, in `ErrorCodes` order. */
export const ErrorClasses: Record<ErrorCode, ErrorClass> = {
  NOT_FOUND: NotFoundError,
  FORBIDDEN: ForbiddenError,
  UNAUTHENTICATED: UnauthenticatedError,
  VALIDATION: ValidationError,
  CONFLICT: ConflictError,
  THRESHOLD_NOT_MET: ThresholdNotMetError,
  COMMUNITY_FULL: CommunityFullError,
  INSUFFICIENT_POINTS: InsufficientPointsError,
  OUT_OF_STOCK: OutOfStockError,
  ALREADY_CHECKED_IN: AlreadyCheckedInError,
  CAMPAIGN_NOT_RUNNING: CampaignNotRunningError,
  CAP_REACHED: CapReachedError,
  INVALID_STATE: InvalidStateError,
  NOT_AVAILABLE: NotAvailableError,
};

export const notFound = (what: string, field?: string) => new NotFoundError(`${what} not found`, field);
export const invalid = (field: string, message: string) => new ValidationError(message, field);
