// The read path's two promises to the rest of the suite: in verify mode every answer is checked against
// Prisma's (CI's embedded run relies on it), and findUnique calls of one tick share one statement.
import { describe, expect, it } from 'vitest';
import { readThrough } from '../../src/core/reads/client.js';
import { loadDataModel } from '../../src/core/reads/model.js';
import { Reader, type Row } from '../../src/core/reads/reader.js';

const models = loadDataModel();
const FANS: Row[] = [
  { id: 'f1', displayName: 'Ann', orgId: 'o1' },
  { id: 'f2', displayName: 'Bo', orgId: 'o1' },
  { id: 'f3', displayName: 'Cy', orgId: 'o2' },
];

/** A Reader over fixed rows that records its statements (the SQL's WHERE is not evaluated). */
function fixedReader(rows: Row[]) {
  const statements: string[] = [];
  const reader = new Reader(models, async (text) => {
    statements.push(text);
    return rows.map((r) => ({ ...r }));
  });
  return { reader, statements };
}

const prismaAnswering = (rows: Row[]) => ({ fan: { findMany: async () => rows, findUnique: async () => rows[0] ?? null } }) as never;

describe('verify mode', () => {
  const select = { id: true, displayName: true };

  it('throws when the SQL answer differs from Prisma', async () => {
    const { reader } = fixedReader([FANS[0]]);
    const client = readThrough(prismaAnswering([]), models, reader, { verifyWith: prismaAnswering([{ id: 'f1', displayName: 'Someone else' }]) });
    await expect(client.fan.findMany({ select })).rejects.toThrow(/differs from Prisma/);
  });

  it('answers when both agree', async () => {
    const { reader } = fixedReader([FANS[0]]);
    const client = readThrough(prismaAnswering([]), models, reader, { verifyWith: prismaAnswering([{ id: 'f1', displayName: 'Ann' }]) });
    await expect(client.fan.findMany({ select })).resolves.toEqual([{ id: 'f1', displayName: 'Ann' }]);
  });
});

describe('findUnique in one tick', () => {
  it('one statement for same-shaped calls, each answered with its own row (or null)', async () => {
    const { reader, statements } = fixedReader(FANS);
    const client = readThrough(prismaAnswering([]), models, reader);
    const ask = (id: string, orgId: string) => client.fan.findUnique({ where: { id, orgId }, select: { displayName: true } });
    const answers = await Promise.all([ask('f2', 'o1'), ask('f1', 'o1'), ask('f3', 'o1'), ask('f1', 'o1')]);
    expect(statements).toHaveLength(1);
    // f3 exists only in another organization: null, and the columns added for matching are not returned.
    expect(answers).toEqual([{ displayName: 'Bo' }, { displayName: 'Ann' }, null, { displayName: 'Ann' }]);
  });

  it('calls of different shapes are not merged', async () => {
    const { reader, statements } = fixedReader(FANS);
    const client = readThrough(prismaAnswering([]), models, reader);
    await Promise.all([
      client.fan.findUnique({ where: { id: 'f1' }, select: { displayName: true } }),
      client.fan.findUnique({ where: { id: 'f2' }, select: { id: true } }),
    ]);
    expect(statements).toHaveLength(2);
  });
});
