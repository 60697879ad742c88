// Fan search as a Prisma `where`, usable without GraphQL (segments and reminders reuse it).
import type { Prisma } from '../generated/prisma/client.js';
import type { FanLifecycle, RfmSegment } from '../generated/prisma/enums.js';

/** A time range: from inclusive, to exclusive; either end open. */
export interface TimeRange {
  from?: Date | string | null;
  to?: Date | string | null;
}
/** Whole numbers, both ends inclusive; either end open. */
export interface IntRange {
  min?: number | null;
  max?: number | null;
}

export interface FanFilter {
  search?: string | null;
  tagIds?: string[] | null;
  lifecycles?: FanLifecycle[] | null;
  communityId?: string | null;
  minOrders?: number | null;
  maxOrders?: number | null;
  minSpendCents?: number | null;
  maxSpendCents?: number | null;
  isKoc?: boolean | null;
  /** The fan's RFM segment as of the last score refresh. */
  rfmSegment?: RfmSegment | null;
  lastOrderAt?: TimeRange | null;
  lastActiveAt?: TimeRange | null;
  intimacy?: IntRange | null;
  /** Fans whose purchase frequency dropped (true) or did not (false), as of the last score refresh. */
  frequencyDrop?: boolean | null;
}

export type FanSortField = 'CREATED_AT' | 'ORDER_COUNT' | 'TOTAL_SPEND' | 'LAST_ORDER_AT' | 'INTIMACY' | 'DISPLAY_NAME' | 'POINTS_BALANCE';

const sortColumn: Record<FanSortField, keyof Prisma.FanOrderByWithRelationInput> = {
  CREATED_AT: 'createdAt',
  ORDER_COUNT: 'orderCount',
  TOTAL_SPEND: 'totalSpendCents',
  LAST_ORDER_AT: 'lastOrderAt',
  INTIMACY: 'intimacy',
  DISPLAY_NAME: 'displayName',
  POINTS_BALANCE: 'pointsBalance',
};

export function fanWhere(orgId: string, f: FanFilter = {}): Prisma.FanWhereInput {
  const where: Prisma.FanWhereInput = { orgId };
  if (f.search) where.displayName = { contains: escapeLike(f.search), mode: 'insensitive' };
  // Every listed tag must be present (AND), which is how operators narrow a segment.
  if (f.tagIds?.length) where.AND = f.tagIds.map((tagId) => ({ tags: { some: { tagId } } }));
  if (f.lifecycles?.length) where.lifecycle = { in: f.lifecycles };
  if (f.communityId) where.memberships = { some: { communityId: f.communityId, leftAt: null } };
  if (f.minOrders != null || f.maxOrders != null) where.orderCount = { gte: f.minOrders ?? undefined, lte: f.maxOrders ?? undefined };
  if (f.minSpendCents != null || f.maxSpendCents != null)
    where.totalSpendCents = { gte: f.minSpendCents ?? undefined, lte: f.maxSpendCents ?? undefined };
  if (f.isKoc != null) where.isKoc = f.isKoc;
  if (f.rfmSegment) where.rfmSegment = f.rfmSegment;
  if (f.frequencyDrop != null) where.frequencyDrop = f.frequencyDrop;
  if (f.lastOrderAt && (f.lastOrderAt.from || f.lastOrderAt.to)) where.lastOrderAt = timeRange(f.lastOrderAt);
  if (f.lastActiveAt && (f.lastActiveAt.from || f.lastActiveAt.to)) where.lastActiveAt = timeRange(f.lastActiveAt);
  if (f.intimacy && (f.intimacy.min != null || f.intimacy.max != null))
    where.intimacy = { gte: f.intimacy.min ?? undefined, lte: f.intimacy.max ?? undefined };
  return where;
}

// Saved segments keep dates as JSON strings: both shapes become instants here.
const timeRange = (r: TimeRange) => ({ gte: r.from ? new Date(r.from) : undefined, lt: r.to ? new Date(r.to) : undefined });

/** Prisma's `contains` becomes ILIKE '%…%' as is: escape the pattern characters so they match themselves. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

export function fanOrderBy(field: FanSortField = 'CREATED_AT', direction: 'ASC' | 'DESC' = 'DESC'): Prisma.FanOrderByWithRelationInput[] {
  const dir = direction === 'ASC' ? 'asc' : 'desc';
  const column = sortColumn[field];
  // Nullable columns sort their nulls last either way; the id tiebreak keeps cursors stable.
  const primary = column === 'lastOrderAt' ? { [column]: { sort: dir, nulls: 'last' } } : { [column]: dir };
  return [primary as Prisma.FanOrderByWithRelationInput, { id: dir }];
}
