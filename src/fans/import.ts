// Fan import from the live platform or a CRM: a batch upsert keyed by the platform's user id
// (externalId, unique per organization). Re-sending a batch changes nothing and counts as unchanged.
// Rules:
// - Every row is checked before anything is written; a bad row refuses the whole batch.
// - A display name of the form "region-skin type" sets region and skin type and the SELF tags
//   (see self-tags.ts); an explicit `region` applies only when the name does not carry one.
// - Omitted optional fields keep what the fan already has; a new fan's source defaults to IMPORT.
// - referredByExternalId names a fan of the organization or of the same batch, never the fan itself,
//   and never closes a referral cycle (A referred by B and B by A, or longer), counting the referrals
//   already stored and those of the batch together; each row in a cycle is named and nothing is written.
//   Batches that set referrers take a per-organization advisory lock, so two parallel batches cannot
//   each add one half of a cycle.
// - The organization's tag rules are applied to the batch's fans (tag-rules.ts).
// Concurrency: new fans are inserted with ON CONFLICT DO NOTHING (a parallel import of the same fan
// loses quietly and then compares like any existing row); updates lock fans in id order so two
// batches (or an order import, which also locks fans in id order) cannot deadlock.
import type { Db, Tx } from '../core/db.js';
import type { Fan } from '../generated/prisma/client.js';
import type { FanSource } from '../generated/prisma/enums.js';
import { batchError, duplicateKeys } from './batch.js';
import { parseSelfDescription, type SelfDescription, syncSelfTags } from './self-tags.js';
import { applyTagRules } from './tag-rules.js';

export interface FanImportRow {
  externalId: string;
  displayName: string;
  region?: string | null;
  source?: FanSource | null;
  referredByExternalId?: string | null;
}

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

const rowField = (i: number, f: string) => `input.fans.${i}.${f}`;

export async function importFans(db: Db, orgId: string, rows: FanImportRow[]): Promise<ImportCounts> {
  const problems = [
    ...duplicateKeys(
      rows.map((r) => r.externalId),
      (i) => rowField(i, 'externalId'),
    ),
    ...rows.flatMap((r, i) =>
      r.referredByExternalId === r.externalId ? [{ field: rowField(i, 'referredByExternalId'), message: 'a fan cannot refer themself' }] : [],
    ),
  ];
  if (problems.length) throw batchError(problems);
  const keys = rows.map((r) => r.externalId);
  const inBatch = new Set(keys);
  const referrerKeys = [...new Set(rows.map((r) => r.referredByExternalId).filter((k): k is string => !!k && !inBatch.has(k)))];

  return db.$transaction(async (tx) => {
    const referrers = await tx.fan.findMany({ where: { orgId, externalId: { in: referrerKeys } }, select: { externalId: true } });
    const knownReferrers = new Set(referrers.map((f) => f.externalId));
    const missing = rows.flatMap((r, i) =>
      r.referredByExternalId && !inBatch.has(r.referredByExternalId) && !knownReferrers.has(r.referredByExternalId)
        ? [{ field: rowField(i, 'referredByExternalId'), message: `no fan "${r.referredByExternalId}" in your organization` }]
        : [],
    );
    if (missing.length) throw batchError(missing, 'NOT_FOUND');
    const cycles = await referralCycles(tx, orgId, rows);
    if (cycles.length) throw batchError(cycles);

    const selfOf = new Map(rows.map((r) => [r.externalId, parseSelfDescription(r.displayName)]));
    const existing = new Set(
      (await tx.fan.findMany({ where: { orgId, externalId: { in: keys } }, select: { externalId: true } })).map((f) => f.externalId),
    );
    const fresh = rows.filter((r) => !existing.has(r.externalId)).sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
    const inserted = await tx.fan.createManyAndReturn({
      data: fresh.map((r) => {
        const self = selfOf.get(r.externalId);
        return {
          orgId,
          externalId: r.externalId,
          displayName: r.displayName,
          region: self?.region ?? r.region ?? null,
          skinType: self?.skinType ?? null,
          source: r.source ?? 'IMPORT',
        };
      }),
      skipDuplicates: true,
      select: { externalId: true },
    });
    const created = new Set(inserted.map((f) => f.externalId));

    // Everything the batch touches, including fans just created here or by a concurrent import.
    const fans = await tx.fan.findMany({ where: { orgId, externalId: { in: [...keys, ...referrerKeys] } } });
    const byKey = new Map(fans.map((f) => [f.externalId, f]));
    const counts: ImportCounts = { created: created.size, updated: 0, unchanged: 0 };
    const selfTags: { fanId: string; self: SelfDescription }[] = [];
    const changes: { fan: Fan; data: Partial<Fan> }[] = [];
    for (const row of rows) {
      const fan = byKey.get(row.externalId)!;
      const self = selfOf.get(row.externalId) ?? null;
      const data = diff(fan, {
        displayName: row.displayName,
        region: self?.region ?? row.region ?? fan.region,
        skinType: self?.skinType ?? fan.skinType,
        source: row.source ?? fan.source,
        referredById: row.referredByExternalId ? byKey.get(row.referredByExternalId)!.id : fan.referredById,
      });
      if (data) changes.push({ fan, data });
      if (!created.has(row.externalId)) counts[data ? 'updated' : 'unchanged']++;
      // New fans, and renamed ones, get their self-description as tags.
      if (self && (created.has(row.externalId) || data?.displayName !== undefined)) selfTags.push({ fanId: fan.id, self });
    }
    changes.sort((a, b) => (a.fan.id < b.fan.id ? -1 : 1));
    for (const c of changes) await tx.fan.update({ where: { id: c.fan.id }, data: c.data });
    await syncSelfTags(tx, orgId, selfTags);
    await applyTagRules(tx, orgId, [...new Set(rows.map((r) => byKey.get(r.externalId)!.id))]);
    return counts;
  });
}

/** The fields that differ, or null when the fan already looks like this. */
function diff(fan: Fan, want: Pick<Fan, 'displayName' | 'region' | 'skinType' | 'source' | 'referredById'>): Partial<Fan> | null {
  const changed = Object.fromEntries(Object.entries(want).filter(([k, v]) => fan[k as keyof Fan] !== v));
  return Object.keys(changed).length ? changed : null;
}

// First key of the advisory lock taken here, so it never collides with another module's.
const REFERRAL_LOCK_SPACE = 7_302;

/**
 * Rows whose referrer leads back to themselves once the batch is applied: the stored chain of every fan
 * the batch names (one recursive query; UNION stops on any loop), with the batch's referrers replacing
 * the stored ones (a row without a referrer keeps its stored one).
 */
async function referralCycles(tx: Tx, orgId: string, rows: FanImportRow[]): Promise<{ field: string; message: string }[]> {
  if (!rows.some((r) => r.referredByExternalId)) return [];
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${REFERRAL_LOCK_SPACE}::int, hashtext(${orgId}))`;
  const named = [...new Set(rows.flatMap((r) => [r.externalId, r.referredByExternalId ?? []].flat()))];
  const stored = await tx.$queryRaw<{ externalId: string; parent: string | null }[]>`
    WITH RECURSIVE chain AS (
      SELECT "id", "externalId", "referredById" FROM "Fan" WHERE "orgId" = ${orgId} AND "externalId" = ANY(${named})
      UNION
      SELECT f."id", f."externalId", f."referredById" FROM "Fan" f JOIN chain c ON f."id" = c."referredById"
    )
    SELECT c."externalId", p."externalId" AS parent FROM chain c LEFT JOIN "Fan" p ON p."id" = c."referredById"`;
  const parent = new Map(stored.map((r) => [r.externalId, r.parent]));
  for (const r of rows) if (r.referredByExternalId) parent.set(r.externalId, r.referredByExternalId);
  return rows.flatMap((r, i) => {
    if (!r.referredByExternalId) return [];
    const path = [r.externalId];
    for (let at: string | null | undefined = r.referredByExternalId; at && path.length <= parent.size + 1; at = parent.get(at)) {
      path.push(at);
      if (at === r.externalId)
        return [{ field: rowField(i, 'referredByExternalId'), message: `closes a referral cycle (${path.join(' referred by ')})` }];
      if (path.indexOf(at) !== path.length - 1) break; // a loop above this fan, not through it
    }
    return [];
  });
}
