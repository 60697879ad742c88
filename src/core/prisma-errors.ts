// Recognizing the database's own refusals, so services can turn them into domain answers.

/** A unique constraint refused the write (Prisma P2002, or PostgreSQL 23505 through an adapter). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string; originalCode?: string }; message?: string } | null;
  if (!err) return false;
  return (
    err.code === 'P2002' ||
    err.cause?.code === '23505' ||
    err.cause?.originalCode === '23505' ||
    /Unique constraint failed|23505/.test(err.message ?? '')
  );
}

/** A CHECK constraint refused the write (e.g. a negative balance or stock). */
export function isCheckViolation(e: unknown): boolean {
  const err = e as { message?: string; cause?: { originalCode?: string } } | null;
  return err?.cause?.originalCode === '23514' || /23514|violates check constraint/.test(err?.message ?? '');
}
