// Saved segments: a named FanFilter. The filter is stored as the client sent it (global ids), so the
// `filter` JSON can be passed straight back to `fans(filter:)`; ids are decoded when fans are listed.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import type { Db } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import type { Prisma, Segment } from '../generated/prisma/client.js';
import { type FanFilter, fanWhere } from './filters.js';

/** A FanFilter with ids as the API shows them. */
export type StoredFanFilter = Omit<FanFilter, 'tagIds' | 'communityId'> & { tagIds?: string[] | null; communityId?: string | null };

export async function createSegment(db: Db, orgId: string, input: { name: string; filter: FanFilter }): Promise<Segment> {
  const raw = input.filter;
  // A saved segment that can never match anyone is a mistake worth reporting (a query just answers nothing).
  if (raw.minOrders != null && raw.maxOrders != null && raw.minOrders > raw.maxOrders)
    throw new DomainError('VALIDATION', 'input.filter.minOrders: must not exceed maxOrders', 'input.filter.minOrders');
  if (raw.minSpendCents != null && raw.maxSpendCents != null && raw.minSpendCents > raw.maxSpendCents)
    throw new DomainError('VALIDATION', 'input.filter.minSpendCents: must not exceed maxSpendCents', 'input.filter.minSpendCents');
  const tagIds = raw.tagIds ?? [];
  const found = new Set((await db.tag.findMany({ where: { orgId, id: { in: tagIds } }, select: { id: true } })).map((t) => t.id));
  const missing = tagIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw notFound('Tag', `input.filter.tagIds.${missing}`);
  if (raw.communityId && !(await db.community.count({ where: { orgId, id: raw.communityId } })))
    throw notFound('Community', 'input.filter.communityId');
  const filter = Object.fromEntries(Object.entries(encodeFilter(raw)).filter(([, v]) => v != null)) as Prisma.InputJsonObject;
  try {
    return await db.segment.create({ data: { orgId, name: input.name, filter } });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', `A segment named "${input.name}" already exists`, 'input.name');
    throw e;
  }
}

export async function deleteSegment(db: Db, orgId: string, id: string): Promise<void> {
  const { count } = await db.segment.deleteMany({ where: { id, orgId } });
  if (!count) throw notFound('Segment', 'segmentId');
}

/** The Prisma `where` for a saved segment's fans. */
export function segmentFanWhere(segment: Pick<Segment, 'orgId' | 'filter'>): Prisma.FanWhereInput {
  return fanWhere(segment.orgId, decodeFilter((segment.filter ?? {}) as StoredFanFilter));
}

function encodeFilter(f: FanFilter): StoredFanFilter {
  return {
    ...f,
    tagIds: f.tagIds?.map((id) => encodeGlobalID('Tag', id)),
    communityId: f.communityId ? encodeGlobalID('Community', f.communityId) : null,
  };
}

function decodeFilter(f: StoredFanFilter): FanFilter {
  return { ...f, tagIds: f.tagIds?.map((g) => decodeGlobalID(g).id), communityId: f.communityId ? decodeGlobalID(f.communityId).id : null };
}
