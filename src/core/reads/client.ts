// The Prisma client the app uses, with its reads answered by the Reader: find*/count on any model go
// through hand-shaped SQL; writes, transactions and any read shape the Reader does not plan go to
// Prisma unchanged. In verify mode every read is also asked of Prisma and the answers must agree —
// the test suite runs that way once in CI, which is how the two are kept equivalent.
import { Prisma, type PrismaClient } from '../../generated/prisma/client.js';
import { type DataModel, delegateNames } from './model.js';
import type { Reader, Row } from './reader.js';
import { Unsupported } from './sql.js';
import { UniqueBatcher } from './unique-batch.js';

export interface ReadThroughOptions {
  /** Ask this Prisma client too and throw if the answers differ (tests). */
  verifyWith?: PrismaClient;
  /** Called when a read falls back to Prisma, with the reason. */
  onFallback?: (model: string, method: string, reason: string) => void;
}

/** Where a read-through client keeps its raw reader (reads/raw.ts); a transaction's client has none. */
export const RAW_READ = Symbol('rawRead');

const READS = ['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow', 'count'] as const;
type ReadMethod = (typeof READS)[number];
type Args = Record<string, unknown>;

export function readThrough(prisma: PrismaClient, models: DataModel, reader: Reader, opts: ReadThroughOptions = {}): PrismaClient {
  const names = delegateNames(models);
  const delegates = new Map<string, object>();
  const unique = new UniqueBatcher(reader, models);
  const rawRead = (query: Prisma.Sql) => reader.raw(query.text, query.values);
  return new Proxy(prisma, {
    get(target, prop) {
      if (prop === RAW_READ) return rawRead;
      if (typeof prop === 'string' && names.has(prop)) {
        let d = delegates.get(prop);
        if (!d) {
          const verifier = opts.verifyWith ? (Reflect.get(opts.verifyWith, prop) as Delegate) : undefined;
          d = readDelegate(Reflect.get(target, prop) as Delegate, names.get(prop)!, reader, unique, opts, verifier);
          delegates.set(prop, d);
        }
        return d;
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

type Delegate = Record<string, unknown>;

function readDelegate(real: Delegate, model: string, reader: Reader, unique: UniqueBatcher, opts: ReadThroughOptions, verifier?: Delegate): object {
  const methods = new Map<string, (args?: Args) => Promise<unknown>>();
  for (const method of READS) {
    const ask = (d: Delegate) => (args?: Args) => (d[method] as (a?: Args) => Promise<unknown>).call(d, args);
    const viaPrisma = ask(real);
    methods.set(method, async (args?: Args) => {
      let result: unknown;
      try {
        result = await read(reader, unique, model, method, args ?? {});
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
        opts.onFallback?.(model, method, e.message);
        return viaPrisma(args);
      }
      if (verifier) await verify(model, method, args ?? {}, result, ask(verifier));
      return result;
    });
  }
  return new Proxy(real, {
    get(target, prop) {
      const own = typeof prop === 'string' ? methods.get(prop) : undefined;
      if (own) return own;
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function read(reader: Reader, unique: UniqueBatcher, model: string, method: ReadMethod, args: Args): Promise<unknown> {
  switch (method) {
    case 'findMany':
      return reader.findMany(model, args);
    case 'count':
      return reader.count(model, args);
    case 'findFirst':
      return reader.findFirst(model, args);
    case 'findUnique':
      return unique.load(model, args);
    case 'findFirstOrThrow':
    case 'findUniqueOrThrow': {
      const row = await (method === 'findUniqueOrThrow' ? unique.load(model, args) : reader.findFirst(model, args));
      if (!row) throw new Prisma.PrismaClientKnownRequestError(`No ${model} found`, { code: 'P2025', clientVersion: Prisma.prismaVersion.client });
      return row;
    }
  }
}

async function verify(model: string, method: string, args: Args, ours: unknown, viaPrisma: (a: Args) => Promise<unknown>) {
  let theirs: unknown;
  try {
    theirs = await viaPrisma(args);
  } catch (e) {
    throw new Error(`read path: ${model}.${method} answered but Prisma threw: ${(e as Error).message}`);
  }
  // A page with no order is any page of that size: only its size can be compared.
  const anyPage = (args.take !== undefined || args.skip !== undefined) && !args.orderBy && Array.isArray(ours);
  const a = anyPage ? String((ours as unknown[]).length) : canonical(ours, args);
  const b = anyPage ? String((theirs as unknown[]).length) : canonical(theirs, args);
  if (a !== b) throw new Error(`read path: ${model}.${method}(${JSON.stringify(args)}) differs from Prisma\n ours:   ${a}\n prisma: ${b}`);
}

/** JSON with dates as instants; lists the query did not order are compared as sets. */
function canonical(value: unknown, args: Args): string {
  return JSON.stringify(normalize(value, args));
}

function normalize(value: unknown, args: Args): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v, args));
    return args.orderBy ? items : items.map((i) => JSON.stringify(i)).sort();
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return `${value}n`;
  if (!value || typeof value !== 'object') return value;
  const chosen = (args.select ?? args.include ?? {}) as Args;
  const out: Row = {};
  for (const key of Object.keys(value).sort()) {
    const nested = chosen[key];
    out[key] = normalize((value as Row)[key], nested && typeof nested === 'object' ? (nested as Args) : {});
  }
  return out;
}
