// Hand-written read-only statements that return many rows (the insight module's rollups). Prisma's
// $queryRaw converts every value through its engine: ≈ 15 µs a row more than the driver here, a few
// milliseconds for a year's daily series. The app's read-through client runs them on the driver
// directly, counted and traced like every other statement; a transaction's client (or READS=prisma)
// has no such reader and uses $queryRaw. Columns arrive as the drivers parse them — int8 and numeric
// as text on pg — so statements cast what they return (::int, ::float8).

import type { Prisma } from '../../generated/prisma/client.js';
import type { Db, Tx } from '../db.js';
import { RAW_READ } from './client.js';

type RawReader = (query: Prisma.Sql) => Promise<unknown[]>;

export function readRows<T>(db: Db | Tx, query: Prisma.Sql): Promise<T[]> {
  const direct = (db as unknown as Record<symbol, RawReader | undefined>)[RAW_READ];
  return (direct ? direct(query) : db.$queryRaw<T[]>(query)) as Promise<T[]>;
}
