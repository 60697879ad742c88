// Tenancy in one place: the client a request sees (ctx.db) is confined to the caller's organization.
// Every read, count, aggregate, update and delete on a model that has an `orgId` column gets
// `orgId = <the caller's>` added to its `where`, and every create gets it in its `data`; a call that
// names another organization explicitly is a bug and throws. So a service or resolver that forgets
// `orgId` cannot read or touch another tenant's rows. Transactions opened on it hand out a
// transaction client confined the same way.
//
// Outside this net, by design: raw SQL ($queryRaw/$executeRaw, which name orgId themselves), nested
// relation reads and writes (they start from a row that was itself found through the net), and the
// models without an `orgId` column, which are reached only through their parent (a LikeCampaign
// through its Campaign, a WishVote through its Wish). App-scoped services (the like committer,
// lifecycle jobs, the CLI) work across organizations and use the unconfined client.
import type { Db } from './db.js';
import { loadDataModel } from './reads/model.js';

/** Thrown when code asks a confined client for another organization's rows: always a bug. */
export class TenancyViolation extends Error {
  constructor(model: string, method: string, asked: unknown, orgId: string) {
    super(`${model}.${method} asked for organization ${JSON.stringify(asked)} on a client confined to ${orgId}`);
    this.name = 'TenancyViolation';
  }
}

type Args = Record<string, unknown>;
type Method = (args?: Args) => Promise<unknown>;

/** Delegate name (`fan`) → [model name, tenant column]; `Organization` is confined by its own id. */
const confined = new Map<string, [string, string]>();
for (const [name, model] of loadDataModel()) {
  const column = name === 'Organization' ? 'id' : model.scalars.has('orgId') ? 'orgId' : null;
  if (column) confined.set(name.charAt(0).toLowerCase() + name.slice(1), [name, column]);
}

/** The models a confined client does not scope (no orgId column): reached only through a parent. */
export const modelsReachedThroughParent = [...loadDataModel().keys()].filter((m) => !confined.has(m.charAt(0).toLowerCase() + m.slice(1)));

const WHERE = [
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
];
const DATA = ['create', 'createMany', 'createManyAndReturn'];

/** `db` confined to `orgId` (see above). Cheap: the wrappers are made once per client and model. */
export function confineToOrganization(db: Db, orgId: string): Db {
  const delegates = new Map<string, object>();
  return new Proxy(db, {
    get(target, prop) {
      if (prop === '$transaction') return confinedTransaction(target, orgId);
      const entry = typeof prop === 'string' ? confined.get(prop) : undefined;
      const value = Reflect.get(target, prop);
      if (!entry) return typeof value === 'function' ? value.bind(target) : value;
      let d = delegates.get(prop as string);
      if (!d) delegates.set(prop as string, (d = confinedDelegate(value as Record<string, unknown>, entry[0], entry[1], orgId)));
      return d;
    },
  });
}

function confinedTransaction(db: Db, orgId: string) {
  return (arg: unknown, options?: unknown) => {
    // The array form takes promises already made on this (confined) client: nothing to add.
    if (typeof arg !== 'function') return (db.$transaction as (a: unknown, o?: unknown) => Promise<unknown>)(arg, options);
    return db.$transaction((tx) => (arg as (t: unknown) => Promise<unknown>)(confineToOrganization(tx as Db, orgId)), options as never);
  };
}

function confinedDelegate(real: Record<string, unknown>, model: string, column: string, orgId: string): object {
  const methods = new Map<string, Method>();
  // A refusal is a rejected promise, like any database error, not a synchronous throw.
  const call = (method: string) => (args?: Args) => (real[method] as Method).call(real, args);
  const guarded =
    (run: Method): Method =>
    (args) => {
      try {
        return run(args);
      } catch (e) {
        return Promise.reject(e);
      }
    };
  const check = (method: string, asked: unknown) => {
    if (asked !== undefined && asked !== orgId) throw new TenancyViolation(model, method, asked, orgId);
  };
  const where = (w: unknown): Args => {
    const given = (w ?? {}) as Args;
    const asked = given[column];
    if (asked === undefined || asked === orgId) return { ...given, [column]: orgId };
    // Another organization's id (a probe with a foreign global id) or a filter: both must hold.
    const and = given.AND === undefined ? [] : Array.isArray(given.AND) ? given.AND : [given.AND];
    return { ...given, AND: [...and, { [column]: orgId }] };
  };
  const data = (method: string, d: unknown): unknown => {
    if (Array.isArray(d)) return d.map((row) => data(method, row));
    const row = d as Args;
    check(method, row[column]);
    // A create that links the organization as a relation (`org: { connect }`) states it there instead.
    return row.org !== undefined || column === 'id' ? row : { ...row, [column]: orgId };
  };
  for (const method of WHERE) {
    if (typeof real[method] !== 'function') continue;
    methods.set(method, (args) => call(method)({ ...args, where: where(args?.where) }));
  }
  for (const method of DATA) {
    if (typeof real[method] !== 'function') continue;
    methods.set(
      method,
      guarded((args) => call(method)({ ...args, data: data(method, args?.data) })),
    );
  }
  if (typeof real.upsert === 'function') {
    methods.set(
      'upsert',
      guarded((args) => call('upsert')({ ...args, where: where(args?.where), create: data('upsert', args?.create) })),
    );
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
