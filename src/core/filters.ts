// Small building blocks for Prisma `where` clauses from optional GraphQL arguments.

/** `{ in: values }` when the list has entries; undefined (no condition) for null or []. */
export function anyOf<T>(values: readonly T[] | null | undefined): { in: T[] } | undefined {
  return values?.length ? { in: [...values] } : undefined;
}

/** A half-open time window [from, to); undefined when neither end is given. */
export function within(from?: Date | null, to?: Date | null): { gte?: Date; lt?: Date } | undefined {
  return from || to ? { gte: from ?? undefined, lt: to ?? undefined } : undefined;
}
