// Wish lists: one OPEN wish per product name (normalized) in an organization, one vote per fan, and
// automatic fulfilment when a matching item joins a line-up.
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import type { LineupItem, Wish } from '../generated/prisma/client.js';
import { normalizeProductName, requireFan } from './common.js';

type Deps = Pick<Context, 'db'>;

// First key of the advisory locks taken here, so they never collide with another module's.
const WISH_LOCK_SPACE = 7_301;

/** Adds a vote if the fan has none yet; false when they already voted. Never aborts the transaction. */
async function addVote(tx: Tx, wishId: string, fanId: string): Promise<boolean> {
  const { count } = await tx.wishVote.createMany({ data: [{ wishId, fanId }], skipDuplicates: true });
  return count === 1;
}

export interface WishMade {
  wish: Wish;
  /** True when this call created the wish; false when it joined an open wish for the same product. */
  created: boolean;
  /** True when this call added the fan's vote. */
  voted: boolean;
}

export async function makeWish(deps: Deps, orgId: string, fanId: string, productName: string): Promise<WishMade> {
  const normalizedName = normalizeProductName(productName);
  return deps.db.$transaction(async (tx) => {
    await requireFan(tx, orgId, fanId);
    // Serializes "find the open wish or create it" per product name, so parallel first wishes don't duplicate.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${WISH_LOCK_SPACE}::int, hashtext(${`${orgId}:${normalizedName}`}))`;
    const open = await tx.wish.findFirst({ where: { orgId, normalizedName, status: 'OPEN' }, orderBy: { createdAt: 'asc' } });
    if (open) {
      const voted = await addVote(tx, open.id, fanId);
      const wish = voted ? await tx.wish.update({ where: { id: open.id }, data: { voteCount: { increment: 1 } } }) : open;
      return { wish, created: false, voted };
    }
    // Making a wish is the maker's vote.
    const wish = await tx.wish.create({ data: { orgId, fanId, productName, normalizedName, voteCount: 1 } });
    await addVote(tx, wish.id, fanId);
    return { wish, created: true, voted: true };
  });
}

async function findWish(tx: Tx, orgId: string, wishId: string): Promise<Wish> {
  const wish = await tx.wish.findFirst({ where: { id: wishId, orgId } });
  if (!wish) throw notFound('Wish', 'input.wishId');
  return wish;
}

// Counts move only on OPEN wishes: the conditional update refuses (and rolls back the vote) otherwise.
async function moveCount(tx: Tx, wish: Wish, by: 1 | -1): Promise<Wish> {
  const { count } = await tx.wish.updateMany({ where: { id: wish.id, status: 'OPEN' }, data: { voteCount: { increment: by } } });
  if (!count) throw new DomainError('INVALID_STATE', 'The wish is already fulfilled', 'input.wishId');
  return tx.wish.findUniqueOrThrow({ where: { id: wish.id } });
}

export async function voteWish(deps: Deps, orgId: string, fanId: string, wishId: string): Promise<Wish> {
  return deps.db.$transaction(async (tx) => {
    const wish = await findWish(tx, orgId, wishId);
    await requireFan(tx, orgId, fanId);
    if (!(await addVote(tx, wish.id, fanId))) throw new DomainError('CONFLICT', 'This fan already voted for the wish', 'input.wishId');
    return moveCount(tx, wish, 1);
  });
}

export async function unvoteWish(deps: Deps, orgId: string, fanId: string, wishId: string): Promise<Wish> {
  return deps.db.$transaction(async (tx) => {
    const wish = await findWish(tx, orgId, wishId);
    const { count } = await tx.wishVote.deleteMany({ where: { wishId: wish.id, fanId } });
    if (!count) throw new DomainError('NOT_FOUND', 'This fan has not voted for the wish', 'input.wishId');
    return moveCount(tx, wish, -1);
  });
}

/**
 * Marks FULFILLED every OPEN wish of the organization the item answers: its normalized name equals the
 * wish's, or contains it as whole words ("silk eye mask" in "mulberry silk eye mask 2-pack", but "tea"
 * not in "steam iron"). One conditional UPDATE, in the caller's transaction.
 */
export async function fulfilWishes(tx: Tx, orgId: string, item: LineupItem): Promise<Wish[]> {
  const padded = ` ${normalizeProductName(item.productName)} `;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    UPDATE "Wish" SET "status" = 'FULFILLED', "fulfilledByItemId" = ${item.id}
    WHERE "orgId" = ${orgId} AND "status" = 'OPEN' AND strpos(${padded}, ' ' || "normalizedName" || ' ') > 0
    RETURNING "id"`;
  if (!rows.length) return [];
  return tx.wish.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: [{ voteCount: 'desc' }, { id: 'asc' }] });
}
