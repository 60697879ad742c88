// Prisma answers findUnique calls made in the same tick with one query, and Pothos counts on it: when a
// field returns `{ id }` for a node (a ranking's groups, an order's fan), Pothos loads each node's missing
// fields with its own findUnique. The read path keeps that promise: calls on one model with the same
// selection and the same `where` columns (plain values) become one statement, answered call by call.
import type { DataModel } from './model.js';
import type { Reader, Row } from './reader.js';

type Args = Record<string, unknown>;
type Plain = string | number | boolean;

interface Waiting {
  where: Record<string, Plain>;
  resolve: (row: Row | null) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  model: string;
  args: Args;
  keys: string[];
  calls: Waiting[];
}

export class UniqueBatcher {
  private pending = new Map<string, Batch>();

  constructor(
    private readonly reader: Reader,
    private readonly models: DataModel,
  ) {}

  /** The row `findUnique(args)` names, or null; batched with same-shaped calls of this tick. */
  load(model: string, args: Args): Promise<Row | null> {
    const keys = this.batchableKeys(model, args);
    if (!keys) return this.reader.findFirst(model, args);
    const shape = `${model}\u0000${keys.join(',')}\u0000${JSON.stringify(args.select ?? null)}\u0000${JSON.stringify(args.include ?? null)}`;
    let batch = this.pending.get(shape);
    if (!batch) {
      const fresh: Batch = { model, args, keys, calls: [] };
      this.pending.set(shape, (batch = fresh));
      // Pothos issues a tick's loads in one synchronous loop; a microtask sees them all.
      queueMicrotask(() => {
        this.pending.delete(shape);
        void this.flush(fresh);
      });
    }
    const where = args.where as Record<string, Plain>;
    return new Promise((resolve, reject) => batch.calls.push({ where, resolve, reject }));
  }

  /** The `where` columns when the call can share a statement: scalar columns compared to plain values. */
  private batchableKeys(model: string, args: Args): string[] | null {
    for (const key of Object.keys(args)) if (!['where', 'select', 'include'].includes(key) && args[key] !== undefined) return null;
    const where = args.where;
    const info = this.models.get(model);
    if (!info || !where || typeof where !== 'object') return null;
    const keys = Object.keys(where).sort();
    if (keys.length === 0) return null;
    for (const key of keys) {
      const value = (where as Args)[key];
      if (!info.scalars.has(key) || !['string', 'number', 'boolean'].includes(typeof value)) return null;
    }
    return keys;
  }

  private async flush({ model, args, keys, calls }: Batch): Promise<void> {
    if (calls.length === 1) {
      this.reader.findFirst(model, args).then(calls[0].resolve, calls[0].reject);
      return;
    }
    const select = args.select as Args | undefined;
    const added = select ? keys.filter((k) => !select[k]) : [];
    const query: Args = { ...args, where: { OR: calls.map((c) => c.where) } };
    if (select) query.select = { ...select, ...Object.fromEntries(added.map((k) => [k, true])) };
    let rows: Row[];
    try {
      rows = await this.reader.findMany(model, query);
    } catch (e) {
      for (const c of calls) c.reject(e);
      return;
    }
    for (const c of calls) {
      const row = rows.find((r) => keys.every((k) => r[k] === c.where[k]));
      c.resolve(row ? without(row, added) : null);
    }
  }
}

/** A copy per call (two calls may name the same row), without the columns added for matching. */
function without(row: Row, keys: string[]): Row {
  const copy = { ...row };
  for (const k of keys) delete copy[k];
  return copy;
}
