// The raw-SQL transaction (src/core/sql-tx.ts) the like group commit runs in: it commits, rolls back
// on any error (a failing statement or a throw), fails and rolls back past its timeout — on PostgreSQL
// even while a statement waits on a lock, whose lock is then freed — and gives its connection back.
// Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set. Also: the cuids recordActivitySql uses.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cuid, isCuid } from '../../src/core/cuid.js';
import { liteTransaction, pgTransaction, type SqlTransaction, SqlTxTimeout } from '../../src/core/sql-tx.js';
import { onPostgres } from '../helpers/app.js';
import { createPostgresDatabase } from '../helpers/postgres.js';

const statements: string[] = [];
const emit = (sql: string) => void statements.push(sql);
const opts = { maxWaitMs: 60_000, timeoutMs: 60_000 };

let run: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
let transaction: (timeoutMs?: number) => SqlTransaction;
let dispose: () => Promise<void>;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  if (onPostgres) {
    const db = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    pool.on('error', () => {});
    const p = pool;
    run = async (sql, params) => (await p.query(sql, params)).rows;
    transaction = (timeoutMs = opts.timeoutMs) => pgTransaction(p, emit, { ...opts, timeoutMs });
    dispose = async () => {
      await p.end();
      await db.drop();
    };
  } else {
    const lite = await PGlite.create();
    run = async (sql, params) => (await lite.query<Record<string, unknown>>(sql, params)).rows;
    transaction = (timeoutMs = opts.timeoutMs) => liteTransaction(lite, emit, { ...opts, timeoutMs });
    dispose = () => lite.close();
  }
  await run('CREATE TABLE sqltx (id int PRIMARY KEY, at timestamp(3))');
}, 60_000);
afterAll(() => dispose?.());

const ids = async () => (await run('SELECT id FROM sqltx ORDER BY id')).map((r) => Number(r.id));

describe('sql-tx transaction', () => {
  it('commits, and answers $queryRaw / $executeRaw / query as Prisma would (a Date as its UTC instant)', async () => {
    statements.length = 0;
    const at = new Date('2026-12-05T01:02:03.456Z');
    const out = await transaction()(async (tx) => {
      const n = await tx.$executeRaw`INSERT INTO sqltx (id, at) VALUES (${1}, ${at}), (${2}, ${at})`;
      const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM sqltx WHERE id = ANY(${[1, 2]}::int[]) ORDER BY id`;
      const q = await tx.query<{ at: string }>('SELECT at::text AS at FROM sqltx WHERE id = $1', [1]);
      return { n, rows, at: q.rows[0].at };
    });
    expect(out).toEqual({ n: 2, rows: [{ id: 1 }, { id: 2 }], at: '2026-12-05 01:02:03.456' });
    expect(await ids()).toEqual([1, 2]);
    // Its statements reach the database's statement listeners, as Prisma's do.
    expect(statements.some((s) => s.startsWith('INSERT INTO sqltx'))).toBe(true);
  });

  it('rolls back when a statement fails, and when the function throws', async () => {
    const failing = transaction()(async (tx) => {
      await tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${10})`;
      await tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${1})`; // duplicate key
    });
    await expect(failing).rejects.toThrow(/duplicate key/);
    const throwing = transaction()(async (tx) => {
      await tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${11})`;
      throw new Error('changed my mind');
    });
    await expect(throwing).rejects.toThrow('changed my mind');
    expect(await ids()).toEqual([1, 2]);
    // The connection is usable afterwards (given back clean).
    await transaction()((tx) => tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${3})`);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('past its timeout: the transaction is rolled back and the caller gets an error', async () => {
    const slow = transaction(300)(async (tx) => {
      await tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${20})`;
      await new Promise((r) => setTimeout(r, 500));
      await tx.$executeRaw`INSERT INTO sqltx (id) VALUES (${21})`;
    });
    await expect(slow).rejects.toBeInstanceOf(SqlTxTimeout);
    expect(await ids()).toEqual([1, 2, 3]);
    if (pool) expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it.runIf(onPostgres)('past its timeout while waiting on a lock: the statement is ended and the lock it held is freed', async () => {
    const holder = await pool!.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM sqltx WHERE id = 3 FOR UPDATE');
      const started = Date.now();
      const stuck = transaction(500)(async (tx) => {
        await tx.$executeRaw`UPDATE sqltx SET at = now() WHERE id = ${1}`;
        await tx.$executeRaw`UPDATE sqltx SET at = now() WHERE id = ${3}`; // waits on the holder
      });
      await expect(stuck).rejects.toBeInstanceOf(SqlTxTimeout);
      expect(Date.now() - started).toBeLessThan(5_000);
      await holder.query('ROLLBACK');
      // Row 1's lock went with the closed connection: another transaction takes it at once.
      await transaction(2_000)((tx) => tx.$executeRaw`UPDATE sqltx SET at = now() WHERE id = ${1}`);
    } finally {
      holder.release();
    }
    expect(pool!.totalCount - pool!.idleCount).toBe(0);
  });
});

describe('cuid', () => {
  it("has Prisma's format, is unique, and ids made in order sort in that order", () => {
    const made = Array.from({ length: 20_000 }, () => cuid());
    expect(made.every((id) => isCuid(id) && id.length === 25)).toBe(true);
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });
});
