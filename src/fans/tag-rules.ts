// Rule-based tags: an operator names a tag and the conditions a fan must meet for it (all that are given):
// bought a product category (an order line `{"category": …}` of a paid order, case-insensitive), spend
// of at least N cents, at least N orders, a skin type, a region. Rules are applied to the fans an import
// touches (fans and orders, in the import's transaction) and to every fan on demand (applyTagRules).
// Applying makes the rule tags match the facts: a fan who matches any rule of a tag gets it as a RULE
// tag, and a RULE tag the fan no longer matches (or whose rules were deleted) is taken off again. A tag
// the fan also carries as an OPERATOR or SELF tag is never touched. Two runs at once are harmless: the
// insert skips existing tags and the delete removes only what no longer matches.
import type { Db, Tx } from '../core/db.js';
import { DomainError, invalid, notFound } from '../core/errors.js';
import { isUniqueViolation } from '../core/prisma-errors.js';
import { Prisma, type TagRule } from '../generated/prisma/client.js';
import { ensureTags } from './self-tags.js';

export interface TagRuleInput {
  name: string;
  tagName: string;
  boughtCategory?: string | null;
  minSpendCents?: number | null;
  minOrders?: number | null;
  skinType?: string | null;
  region?: string | null;
}

type Conditions = Pick<TagRule, 'boughtCategory' | 'minSpendCents' | 'minOrders' | 'skinType' | 'region'>;

export async function createTagRule(db: Db, orgId: string, input: TagRuleInput): Promise<TagRule> {
  const conditions: Conditions = {
    boughtCategory: input.boughtCategory?.trim() || null,
    minSpendCents: input.minSpendCents ?? null,
    minOrders: input.minOrders ?? null,
    skinType: input.skinType?.trim().toLowerCase() || null,
    region: input.region?.trim() || null,
  };
  if (Object.values(conditions).every((v) => v === null))
    throw invalid('input', 'input: give at least one condition (boughtCategory, minSpendCents, minOrders, skinType or region)');
  try {
    return await db.$transaction(async (tx) => {
      const tagId = (await ensureTags(tx, orgId, [input.tagName.trim()])).get(input.tagName.trim())!;
      return tx.tagRule.create({ data: { orgId, name: input.name.trim(), tagId, ...conditions } });
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw new DomainError('CONFLICT', `A tag rule named "${input.name.trim()}" already exists`, 'input.name');
    throw e;
  }
}

/** Deletes a rule; the tags it gave stay until the next applyTagRules takes them off. */
export async function deleteTagRule(db: Db, orgId: string, id: string): Promise<TagRule> {
  return db.$transaction(async (tx) => {
    const rule = await tx.tagRule.findFirst({ where: { id, orgId } });
    if (!rule) throw notFound('Tag rule', 'ruleId');
    await tx.tagRule.delete({ where: { id } });
    return rule;
  });
}

/** The SQL condition (over "Fan" f) that a fan meets this rule. */
function matches(rule: Conditions): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (rule.minOrders !== null) parts.push(Prisma.sql`f."orderCount" >= ${rule.minOrders}`);
  if (rule.minSpendCents !== null) parts.push(Prisma.sql`f."totalSpendCents" >= ${rule.minSpendCents}`);
  if (rule.skinType !== null) parts.push(Prisma.sql`lower(f."skinType") = ${rule.skinType}`);
  if (rule.region !== null) parts.push(Prisma.sql`f."region" = ${rule.region}`);
  if (rule.boughtCategory !== null)
    parts.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "Order" o, jsonb_array_elements(CASE WHEN jsonb_typeof(o."items") = 'array' THEN o."items" ELSE '[]'::jsonb END) line
      WHERE o."fanId" = f."id" AND o."status" = 'PAID' AND lower(line->>'category') = lower(${rule.boughtCategory}))`);
  return Prisma.join(parts, ' AND ');
}

export interface TagRuleRun {
  tagged: number;
  untagged: number;
}

/** Applies every rule of the organization to these fans (all fans when `fanIds` is null). */
export async function applyTagRules(tx: Tx, orgId: string, fanIds: string[] | null): Promise<TagRuleRun> {
  if (fanIds && !fanIds.length) return { tagged: 0, untagged: 0 };
  const rules = await tx.tagRule.findMany({ where: { orgId }, orderBy: { id: 'asc' } });
  const scope = fanIds ? Prisma.sql`AND f."id" IN (${Prisma.join(fanIds)})` : Prisma.empty;
  const byTag = new Map<string, TagRule[]>();
  for (const r of rules) byTag.set(r.tagId, [...(byTag.get(r.tagId) ?? []), r]);
  const run: TagRuleRun = { tagged: 0, untagged: 0 };
  for (const [tagId, tagRules] of byTag) {
    // coalesce: a missing fact (no skin type) is "no match", so NOT match removes the tag too.
    const match = Prisma.sql`coalesce((${Prisma.join(
      tagRules.map((r) => Prisma.sql`(${matches(r)})`),
      ' OR ',
    )}), false)`;
    run.tagged += await tx.$executeRaw`
      INSERT INTO "FanTag" ("orgId", "fanId", "tagId", "source")
      SELECT ${orgId}, f."id", ${tagId}, 'RULE'::"TagSource" FROM "Fan" f
      WHERE f."orgId" = ${orgId} ${scope} AND ${match}
      ORDER BY f."id"
      ON CONFLICT DO NOTHING`;
    run.untagged += await tx.$executeRaw`
      DELETE FROM "FanTag" ft USING "Fan" f
      WHERE ft."fanId" = f."id" AND ft."tagId" = ${tagId} AND ft."source" = 'RULE' AND f."orgId" = ${orgId} ${scope} AND NOT ${match}`;
  }
  // RULE tags whose every rule was deleted.
  const ruled = [...byTag.keys()];
  run.untagged += await tx.$executeRaw`
    DELETE FROM "FanTag" ft USING "Fan" f
    WHERE ft."fanId" = f."id" AND ft."orgId" = ${orgId} AND ft."source" = 'RULE' AND f."orgId" = ${orgId} ${scope}
      ${ruled.length ? Prisma.sql`AND ft."tagId" NOT IN (${Prisma.join(ruled)})` : Prisma.empty}`;
  return run;
}

/** On demand: every fan of the organization, in one transaction. */
export function applyTagRulesToAll(db: Db, orgId: string): Promise<TagRuleRun> {
  return db.$transaction((tx) => applyTagRules(tx, orgId, null), { timeout: 120_000 });
}
