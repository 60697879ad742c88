// The schema side of domain errors: the `Error` interface every refusal implements, one object type
// per code (class → type, so a result union resolves by class), and `refusals(…)`, which a field uses
// to declare the codes it can answer: `errors: refusals('NOT_FOUND', 'CONFLICT')` makes its result
// `union MutationXResult = MutationXSuccess | NotFoundError | ConflictError | ValidationError`
// (VALIDATION is always declared: input rules can refuse any argument).
import { builder } from './builder.js';
import { type DomainError, ErrorClasses, type ErrorCode, ErrorCodes } from './errors.js';

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Why an action was refused.',
  values: {
    NOT_FOUND: { description: 'No such object in your organization.' },
    FORBIDDEN: { description: 'You may not do this.' },
    UNAUTHENTICATED: { description: 'Sign in first.' },
    VALIDATION: { description: 'An input value is malformed or out of range; `field` names it.' },
    CONFLICT: { description: 'It already exists or clashes with existing data.' },
    THRESHOLD_NOT_MET: { description: "The fan does not meet the group's entry thresholds." },
    COMMUNITY_FULL: { description: 'The group is at capacity.' },
    INSUFFICIENT_POINTS: { description: 'Not enough points.' },
    OUT_OF_STOCK: { description: 'No stock left.' },
    ALREADY_CHECKED_IN: { description: 'Already checked in today.' },
    CAMPAIGN_NOT_RUNNING: { description: 'The campaign is not open now.' },
    CAP_REACHED: { description: 'A per-fan limit is reached.' },
    INVALID_STATE: { description: 'Not possible in the current state (e.g. ending a session that never went live).' },
    NOT_AVAILABLE: {
      description: 'Outside its availability window or season (e.g. winter slippers in July); the message says when it is available.',
    },
  } satisfies Record<ErrorCode, { description: string }>,
});

const errorFields = builder.interfaceRef<DomainError>('Error');

export const ErrorInterface = errorFields.implement({
  description:
    'A refused action: nothing was changed. Every error a result union can answer implements it, so `... on Error { code message field }` handles them all.',
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, description: 'Machine-readable reason.', resolve: (e) => e.code }),
    message: t.exposeString('message', { description: 'Human-readable explanation.' }),
    field: t.string({ nullable: true, description: 'The input field at fault, e.g. "input.capacity".', resolve: (e) => e.field ?? null }),
  }),
});

/** Kept for one release so `... on DomainError { code message field }` fragments still match. */
export const DomainErrorInterface = builder.interfaceRef<DomainError>('DomainError').implement({
  description:
    'Deprecated, kept for one release: use the `Error` interface. A refused action; nothing was changed. ' +
    'Until now it was the one error type of every result union; each error type now implements it, so old fragments still match.',
  interfaces: [ErrorInterface],
});

const TYPE_DESCRIPTIONS: Record<ErrorCode, string> = {
  NOT_FOUND: 'An id names nothing in your organization; `field` is the argument.',
  FORBIDDEN: 'A domain rule refuses this caller, e.g. a fan acting for another fan.',
  UNAUTHENTICATED: 'The action needs a signed-in caller.',
  VALIDATION: 'An input value is malformed, out of range or names the wrong kind of thing; `field` names it.',
  CONFLICT: 'It already exists or clashes with existing data.',
  THRESHOLD_NOT_MET: "The fan does not meet the group's entry thresholds.",
  COMMUNITY_FULL: 'The group is at capacity.',
  INSUFFICIENT_POINTS: "The fan's points balance is too low.",
  OUT_OF_STOCK: 'No stock left.',
  ALREADY_CHECKED_IN: 'The fan already checked in today.',
  CAMPAIGN_NOT_RUNNING: 'The campaign is not open for this action now.',
  CAP_REACHED: 'A per-fan limit is reached.',
  INVALID_STATE: 'Not possible in the current state, e.g. ending a session that never went live.',
  NOT_AVAILABLE:
    'Outside its availability window or yearly season, e.g. a points-mall reward redeemed out of season; the message says when it is available.',
};

for (const code of ErrorCodes) {
  const cls = ErrorClasses[code];
  builder.objectType(cls, {
    name: cls.name,
    description: `${TYPE_DESCRIPTIONS[code].replace(/\.$/, '')} (code ${code}). Nothing was changed.`,
    interfaces: [ErrorInterface, DomainErrorInterface],
    isTypeOf: (e) => e instanceof cls,
    fields: () => ({}),
  });
}

/**
 * The `errors` option of a field that can answer these refusals (VALIDATION is always included).
 * Spread it to name the union: `errors: { ...refusals('NOT_FOUND'), union: { name: … } }`.
 */
export function refusals(...codes: Exclude<ErrorCode, 'VALIDATION'>[]) {
  return { types: codes.map((code) => ErrorClasses[code]) };
}
