// Self-tags: groups ask newcomers to rename themselves "region-skin type" (optionally followed by
// "·nickname"), e.g. "Shanghai-oily skin·Lily". Such a name sets the fan's region and skin type and
// becomes SELF tags. Renaming to another "region-skin type" replaces the SELF tags; a name without
// the pattern (a plain nickname) leaves them alone — dropping the suffix is not moving house.
// An operator tag on the same label is never touched (tagging by an operator makes it OPERATOR).
import type { Tx } from '../core/db.js';

export interface SelfDescription {
  region: string;
  skinType: string;
}

// The skin part must look like a skin type ("… skin", or a common Chinese form), so names such as
// "Anna-Maria" are not mistaken for a region.
const SKIN = /^(?:[\p{L} ]{1,20} skin|[\p{Script=Han}]{1,4}(?:皮|肌))$/iu;
const PATTERN = /^\s*([\p{L}][\p{L} ]{0,19}?)\s*[-－]\s*([^·・.]+?)\s*(?:[·・.].*)?$/u;

export function parseSelfDescription(displayName: string): SelfDescription | null {
  const m = PATTERN.exec(displayName);
  if (!m) return null;
  const region = m[1].trim();
  const skinType = m[2].trim().replace(/\s+/g, ' ').toLowerCase();
  if (!region || !SKIN.test(skinType)) return null;
  return { region, skinType };
}

/**
 * Makes the fans' SELF tags match their self-description: creates missing tags (unique per org, race-free
 * through ON CONFLICT DO NOTHING), attaches the new ones and detaches SELF tags no longer described.
 */
export async function syncSelfTags(tx: Tx, orgId: string, fans: { fanId: string; self: SelfDescription }[]): Promise<void> {
  if (!fans.length) return;
  const names = [...new Set(fans.flatMap((f) => [f.self.region, f.self.skinType]))];
  const tagIds = await ensureTags(tx, orgId, names);
  const wanted = fans.map((f) => ({ fanId: f.fanId, tagIds: [tagIds.get(f.self.region)!, tagIds.get(f.self.skinType)!] }));
  for (const w of wanted) {
    await tx.fanTag.deleteMany({ where: { fanId: w.fanId, orgId, source: 'SELF', tagId: { notIn: w.tagIds } } });
  }
  await tx.fanTag.createMany({
    data: wanted.flatMap((w) => w.tagIds.map((tagId) => ({ orgId, fanId: w.fanId, tagId, source: 'SELF' as const }))),
    skipDuplicates: true,
  });
}

/** Tag ids by name, creating the missing ones; concurrent creators of one name end with the same row. */
export async function ensureTags(tx: Tx, orgId: string, names: string[]): Promise<Map<string, string>> {
  await tx.tag.createMany({ data: names.map((name) => ({ orgId, name })), skipDuplicates: true });
  const rows = await tx.tag.findMany({ where: { orgId, name: { in: names } }, select: { id: true, name: true } });
  return new Map(rows.map((r) => [r.name, r.id]));
}
