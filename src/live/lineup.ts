// Line-up rules: items change only while the session is SCHEDULED or LIVE, slots stay on the session's
// day (organization time zone), and an item goes on sale once — reminding the fans who reserved it. An
// item that fulfils wishes reminds the fans who made or voted for them (remindWishers).
import type { Context } from '../core/context.js';
import type { Tx } from '../core/db.js';
import { DomainError, notFound } from '../core/errors.js';
import { enqueueJob, removeJob } from '../core/jobs/queue.js';
import { emitOutboundMany } from '../core/outbound.js';
import type { LineupItem, LiveSession, Wish } from '../generated/prisma/client.js';
import { localDay, lockSession, OPEN_STATUSES, orgTimeZone, requireStatus } from './common.js';
import { type FanReminderMessage, publishReminders, publishSessionEvent } from './events.js';
import { fulfilWishes } from './wishes.js';

type Deps = Pick<Context, 'db' | 'pubsub'>;

export interface LineupItemInput {
  productName: string;
  sku?: string | null;
  priceCents: number;
  slotAt?: Date | null;
  position?: number | null;
  /** When a job puts it on sale (the session must be LIVE then); null: by hand only. */
  plannedOnSaleAt?: Date | null;
}

/** The job that puts an item on sale at its planned time (registered in services.ts). */
export const ITEM_SALE_TASK = 'live.item-on-sale';
export interface ItemSaleJob {
  orgId: string;
  itemId: string;
  /** The planned instant this job is for (ISO): a job for a plan since changed does nothing. */
  at: string;
}

/** Queues the item's on-sale job at its planned time (replacing the pending one), or removes it when the plan is cleared. */
async function planItemSale(tx: Tx, item: Pick<LineupItem, 'id' | 'orgId' | 'plannedOnSaleAt' | 'onSaleAt'>) {
  if (item.onSaleAt) return;
  if (!item.plannedOnSaleAt) return removeJob(tx, `item-on-sale:${item.id}`);
  const job: ItemSaleJob = { orgId: item.orgId, itemId: item.id, at: item.plannedOnSaleAt.toISOString() };
  await enqueueJob(tx, ITEM_SALE_TASK, job, { runAt: item.plannedOnSaleAt, jobKey: `item-on-sale:${item.id}` });
}

/** Plans the on-sale jobs of a session's items again (after its times moved). */
export async function planItemSales(tx: Tx, orgId: string, sessionId: string): Promise<void> {
  const items = await tx.lineupItem.findMany({ where: { orgId, sessionId, plannedOnSaleAt: { not: null }, onSaleAt: null } });
  for (const item of items) await planItemSale(tx, item);
}

/**
 * The job: puts the item on sale through putItemOnSale (reminding its reservers) when its plan still
 * says this instant. A session not LIVE then, an item already on sale or removed: left as it is.
 */
export async function runItemSale(deps: Deps, job: ItemSaleJob): Promise<void> {
  const item = await deps.db.lineupItem.findFirst({ where: { id: job.itemId, orgId: job.orgId }, select: { plannedOnSaleAt: true, onSaleAt: true } });
  if (!item || item.onSaleAt || item.plannedOnSaleAt?.toISOString() !== job.at) return;
  await putItemOnSale(deps, job.orgId, job.itemId).catch((e) => {
    if (!(e instanceof DomainError)) throw e;
  });
}

export interface LineupChange {
  item: LineupItem;
  /** Open wishes this item fulfilled. */
  fulfilledWishes: Wish[];
  /** Fans reminded that what they wished for is coming (makers and voters, opted-out fans left out). */
  remindedCount: number;
}

/**
 * The loop closes: every fan who made or voted for a wish the item just fulfilled gets one WISH_FULFILLED
 * reminder (once per fan, however many of their wishes the item answers) and one `wish.fulfilled`
 * outbound event, in the change's transaction; fans who opted out get neither (it is marketing).
 * The reminders are published by the caller after commit.
 */
async function remindWishers(tx: Tx, orgId: string, item: LineupItem, wishes: Wish[]): Promise<FanReminderMessage[]> {
  if (!wishes.length) return [];
  const ids = wishes.map((w) => w.id);
  const voters = await tx.wishVote.findMany({ where: { wishId: { in: ids }, fan: { optedOut: false } }, select: { fanId: true, wishId: true } });
  const makers = await tx.fan.findMany({ where: { id: { in: wishes.map((w) => w.fanId) }, optedOut: false }, select: { id: true } });
  const reachable = new Set(makers.map((f) => f.id));
  const wishesOf = new Map<string, Set<string>>();
  const add = (fanId: string, wishId: string) => wishesOf.set(fanId, (wishesOf.get(fanId) ?? new Set()).add(wishId));
  for (const w of wishes) if (reachable.has(w.fanId)) add(w.fanId, w.id);
  for (const v of voters) add(v.fanId, v.wishId);
  const at = new Date().toISOString();
  const fans = [...wishesOf.keys()].sort();
  await emitOutboundMany(
    tx,
    orgId,
    'wish.fulfilled',
    fans.map((fanId) => ({
      fanId,
      wishIds: [...wishesOf.get(fanId)!],
      sessionId: item.sessionId,
      itemId: item.id,
      productName: item.productName,
      at,
    })),
  );
  return fans.map((fanId) => ({
    kind: 'WISH_FULFILLED',
    orgId,
    fanId,
    sessionId: item.sessionId,
    itemId: item.id,
    productName: item.productName,
    at,
  }));
}

async function checkSlot(tx: Tx, orgId: string, session: LiveSession, slotAt: Date | null | undefined, field = 'input.slotAt') {
  if (!slotAt) return;
  const tz = await orgTimeZone(tx, orgId);
  const day = localDay(session.scheduledAt, tz);
  if (localDay(slotAt, tz) !== day) throw new DomainError('VALIDATION', `${field}: must be on the session's day (${day}, ${tz})`, field);
}

/** A planned on-sale time is on the session's day, like a slot, and still ahead. */
async function checkPlannedSale(tx: Tx, orgId: string, session: LiveSession, at: Date | null | undefined) {
  if (!at) return;
  if (at.getTime() <= Date.now()) throw new DomainError('VALIDATION', 'input.plannedOnSaleAt: must be in the future', 'input.plannedOnSaleAt');
  await checkSlot(tx, orgId, session, at, 'input.plannedOnSaleAt');
}

export async function addLineupItem(deps: Deps, orgId: string, sessionId: string, input: LineupItemInput): Promise<LineupChange> {
  const { reminders, ...change } = await deps.db.$transaction(async (tx) => {
    const session = await lockSession(tx, orgId, sessionId);
    requireStatus(session, OPEN_STATUSES, 'change the line-up');
    await checkSlot(tx, orgId, session, input.slotAt);
    await checkPlannedSale(tx, orgId, session, input.plannedOnSaleAt);
    const position = input.position ?? (await tx.lineupItem.count({ where: { sessionId } }));
    const item = await tx.lineupItem.create({
      data: {
        orgId,
        sessionId,
        productName: input.productName,
        sku: input.sku ?? null,
        priceCents: input.priceCents,
        slotAt: input.slotAt ?? null,
        position,
        plannedOnSaleAt: input.plannedOnSaleAt ?? null,
      },
    });
    if (item.plannedOnSaleAt) await planItemSale(tx, item);
    const fulfilledWishes = await fulfilWishes(tx, orgId, item);
    return { item, fulfilledWishes, reminders: await remindWishers(tx, orgId, item, fulfilledWishes) };
  });
  publishReminders(deps.pubsub, reminders);
  return { ...change, remindedCount: reminders.length };
}

async function findItem(tx: Tx, orgId: string, itemId: string, field: string) {
  const item = await tx.lineupItem.findFirst({ where: { id: itemId, orgId } });
  if (!item) throw notFound('Line-up item', field);
  return item;
}

export async function updateLineupItem(deps: Deps, orgId: string, itemId: string, patch: Partial<LineupItemInput>): Promise<LineupChange> {
  const { reminders, ...change } = await deps.db.$transaction(async (tx) => {
    const before = await findItem(tx, orgId, itemId, 'input.itemId');
    const session = await lockSession(tx, orgId, before.sessionId, 'input.itemId');
    requireStatus(session, OPEN_STATUSES, 'change the line-up', 'input.itemId');
    await checkSlot(tx, orgId, session, patch.slotAt);
    await checkPlannedSale(tx, orgId, session, patch.plannedOnSaleAt);
    // Set or cleared (null: put on sale by hand only) while not on sale yet.
    if (patch.plannedOnSaleAt !== undefined && before.onSaleAt)
      throw new DomainError('INVALID_STATE', 'The item is already on sale', 'input.plannedOnSaleAt');
    const item = await tx.lineupItem.update({ where: { id: itemId }, data: { ...patch, position: patch.position ?? undefined } });
    if (patch.plannedOnSaleAt !== undefined) await planItemSale(tx, item);
    // A renamed item may now be what fans wished for.
    const fulfilledWishes = patch.productName && patch.productName !== before.productName ? await fulfilWishes(tx, orgId, item) : [];
    return { item, fulfilledWishes, reminders: await remindWishers(tx, orgId, item, fulfilledWishes) };
  });
  publishReminders(deps.pubsub, reminders);
  return { ...change, remindedCount: reminders.length };
}

/** Takes an item off the line-up (not once it is on sale); wishes it fulfilled open again. */
export async function removeLineupItem(deps: Deps, orgId: string, itemId: string): Promise<LiveSession> {
  return deps.db.$transaction(async (tx) => {
    const item = await findItem(tx, orgId, itemId, 'itemId');
    const session = await lockSession(tx, orgId, item.sessionId, 'itemId');
    requireStatus(session, OPEN_STATUSES, 'change the line-up', 'itemId');
    await tx.wish.updateMany({ where: { orgId, fulfilledByItemId: itemId }, data: { status: 'OPEN', fulfilledByItemId: null } });
    // Conditional delete: an item put on sale meanwhile stays.
    const { count } = await tx.lineupItem.deleteMany({ where: { id: itemId, onSaleAt: null } });
    if (!count) throw new DomainError('INVALID_STATE', 'The item is already on sale', 'itemId');
    return session;
  });
}

/** Puts an item of a LIVE session on sale, once, and reminds every fan who reserved it (unless opted out). */
export async function putItemOnSale(deps: Deps, orgId: string, itemId: string): Promise<{ item: LineupItem; remindedCount: number }> {
  const { item, reminders } = await deps.db.$transaction(async (tx) => {
    const found = await findItem(tx, orgId, itemId, 'itemId');
    const session = await lockSession(tx, orgId, found.sessionId, 'itemId');
    requireStatus(session, ['LIVE'], 'put an item on sale', 'itemId');
    const onSaleAt = new Date();
    // The row lock of this UPDATE also orders it against reserveItem, which locks the item FOR SHARE:
    // a reservation either commits first (and is reminded) or sees the item on sale (and is refused).
    const { count } = await tx.lineupItem.updateMany({ where: { id: itemId, onSaleAt: null }, data: { onSaleAt } });
    if (!count) throw new DomainError('INVALID_STATE', `"${found.productName}" is already on sale`, 'itemId');
    const reservers = await tx.reservation.findMany({ where: { orgId, itemId, fan: { optedOut: false } }, select: { fanId: true } });
    const reminders: FanReminderMessage[] = reservers.map((r) => ({
      kind: 'ITEM_ON_SALE',
      orgId,
      fanId: r.fanId,
      sessionId: session.id,
      itemId,
      productName: found.productName,
      at: onSaleAt.toISOString(),
    }));
    await emitOutboundMany(
      tx,
      orgId,
      'item.on_sale',
      reminders.map((r) => ({ fanId: r.fanId, sessionId: session.id, itemId, productName: found.productName, at: r.at })),
    );
    return { item: { ...found, onSaleAt }, reminders };
  });
  publishSessionEvent(deps.pubsub, { kind: 'ITEM_ON_SALE', orgId, sessionId: item.sessionId, status: 'LIVE', itemId, productName: item.productName });
  publishReminders(deps.pubsub, reminders);
  return { item, remindedCount: reminders.length };
}
