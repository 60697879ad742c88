// Invite codes and rollover chains. A full group rolls its invite over to a successor
// (Community.rolledOverFromId, unique), so a code printed on an old poster keeps working: it
// resolves to the newest group of its chain.
import { randomBytes } from 'node:crypto';
import type { Tx } from '../core/db.js';
import type { Community } from '../generated/prisma/client.js';

// No 0/O, 1/I/L: codes are typed by hand from posters.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** 8 random characters (31^8 ≈ 8.5e11); the unique index on inviteCode catches the rare clash. */
export function newInviteCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (const b of bytes) code += ALPHABET[b % ALPHABET.length];
  return code;
}

/** Ids of the group with this code and all its successors, oldest first; [] for an unknown code. */
export async function chainOf(tx: Tx, orgId: string, inviteCode: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE chain AS (
      SELECT "id", 0 AS depth FROM "Community" WHERE "orgId" = ${orgId} AND "inviteCode" = ${inviteCode}
      UNION ALL
      SELECT c."id", chain.depth + 1 FROM "Community" c JOIN chain ON c."rolledOverFromId" = chain."id"
    )
    SELECT "id" FROM chain ORDER BY depth`;
  return rows.map((r) => r.id);
}

/** "Beauty Lovers" → "Beauty Lovers #2"; "Beauty Lovers #2" → "Beauty Lovers #3". */
export function successorName(name: string): string {
  const m = /^(.*) #(\d+)$/.exec(name);
  return m ? `${m[1]} #${Number(m[2]) + 1}` : `${name} #2`;
}

/**
 * The group that follows `full` in its chain, created if there is none yet. Under a race exactly one
 * successor exists: the insert skips on the unique rolledOverFromId (it waits for a concurrent
 * creator to commit), and the re-read then finds the winner's row.
 */
export async function successorOf(tx: Tx, full: Community): Promise<Community> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const created = await tx.community.createManyAndReturn({
      data: [
        {
          orgId: full.orgId,
          name: successorName(full.name),
          kind: full.kind,
          category: full.category,
          capacity: full.capacity,
          minOrders: full.minOrders,
          minIntimacy: full.minIntimacy,
          rules: full.rules,
          requiresApplication: full.requiresApplication,
          joinQuestion: full.joinQuestion,
          ownerId: full.ownerId,
          inviteCode: newInviteCode(),
          rolledOverFromId: full.id,
        },
      ],
      skipDuplicates: true,
    });
    if (created.length) {
      const assistants = await tx.communityAssistant.findMany({ where: { communityId: full.id }, select: { operatorId: true } });
      if (assistants.length)
        await tx.communityAssistant.createMany({ data: assistants.map((a) => ({ communityId: created[0].id, operatorId: a.operatorId })) });
      return created[0];
    }
    const existing = await tx.community.findUnique({ where: { rolledOverFromId: full.id } });
    if (existing) return existing;
    // Nothing inserted and no successor: the random invite code clashed; draw another.
  }
  throw new Error(`Could not roll over community ${full.id}`);
}
