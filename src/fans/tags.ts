// Operator actions on fans: tags, consent and the KOC flag.
import type { Db } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { Fan, Tag } from '../generated/prisma/client.js';
import { ensureTags } from './self-tags.js';

export interface TagFansResult {
  tag: Tag;
  /** Fans that did not carry the tag before (or carried it only as a self-tag). */
  tagged: number;
  alreadyTagged: number;
}

/**
 * Tags fans, creating the tag if the organization has none of that name. An existing SELF tag of the
 * same name becomes an OPERATOR tag, so a later rename by the fan no longer removes it.
 */
export async function tagFans(db: Db, orgId: string, fanIds: string[], tagName: string): Promise<TagFansResult> {
  const ids = [...new Set(fanIds)];
  return db.$transaction(async (tx) => {
    const found = new Set((await tx.fan.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } })).map((f) => f.id));
    const missing = fanIds.findIndex((id) => !found.has(id));
    if (missing >= 0) throw notFound('Fan', `input.fanIds.${missing}`);
    const tagId = (await ensureTags(tx, orgId, [tagName])).get(tagName)!;
    const before = await tx.fanTag.count({ where: { tagId, fanId: { in: ids }, source: 'OPERATOR' } });
    await tx.fanTag.updateMany({ where: { tagId, fanId: { in: ids }, source: 'SELF' }, data: { source: 'OPERATOR' } });
    await tx.fanTag.createMany({ data: ids.map((fanId) => ({ orgId, fanId, tagId, source: 'OPERATOR' as const })), skipDuplicates: true });
    const tag = await tx.tag.findUniqueOrThrow({ where: { id: tagId } });
    return { tag, tagged: ids.length - before, alreadyTagged: before };
  });
}

/** Removes a tag (operator or self) from a fan; removing a tag the fan does not carry is a no-op. */
export async function untagFan(db: Db, orgId: string, fanId: string, tagId: string): Promise<Fan> {
  return db.$transaction(async (tx) => {
    const [fan, tag] = await Promise.all([
      tx.fan.findFirst({ where: { id: fanId, orgId } }),
      tx.tag.findFirst({ where: { id: tagId, orgId }, select: { id: true } }),
    ]);
    if (!fan) throw notFound('Fan', 'input.fanId');
    if (!tag) throw notFound('Tag', 'input.tagId');
    await tx.fanTag.deleteMany({ where: { fanId, tagId } });
    return fan;
  });
}

/**
 * Consent: a fan opts out or back in for themself; an operator may record an opt-out the fan asked
 * for, but only the fan can opt back in — consent must come from the fan.
 */
export async function setFanOptOut(db: Db, orgId: string, fanId: string, optedOut: boolean, byFan: boolean): Promise<Fan> {
  if (!optedOut && !byFan) throw new DomainError('FORBIDDEN', 'Only the fan can opt back in to pushes and reminders', 'input.optedOut');
  return updateFan(db, orgId, fanId, { optedOut });
}

export async function setFanKoc(db: Db, orgId: string, fanId: string, isKoc: boolean): Promise<Fan> {
  return updateFan(db, orgId, fanId, { isKoc });
}

async function updateFan(db: Db, orgId: string, fanId: string, data: { optedOut?: boolean; isKoc?: boolean }): Promise<Fan> {
  const { count } = await db.fan.updateMany({ where: { id: fanId, orgId }, data });
  if (!count) throw notFound('Fan', 'input.fanId');
  return db.fan.findUniqueOrThrow({ where: { id: fanId } });
}
