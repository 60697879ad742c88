// Reads planned as Pothos asks for them (Prisma-shaped arguments) and answered with hand-shaped SQL:
// one statement for the root and one per relation level, whatever the number of parents, and a
// nested page costs its page — `take` becomes a LIMIT per parent through a LATERAL join instead of
// reading every child of every parent. Prisma stays the writer; this is only the read path.
import type { DataModel, ModelInfo, Relation } from './model.js';
import { cursorSql, orderSql, orderTerms, Params, q, serialize, Unsupported, type WhereContext, whereSql } from './sql.js';

export type Row = Record<string, unknown>;
/** Runs a read; `planOnce: false` asks for an unnamed statement, planned for its values every time. */
export type RunSql = (text: string, values: (string | null)[], planOnce?: boolean) => Promise<Row[]>;
type Args = Record<string, unknown>;

interface Selection {
  scalars: string[];
  /** Selected BigInt columns: the drivers hand them over as numbers or strings, Prisma as bigint. */
  bigints: string[];
  relations: { rel: Relation; args: Args }[];
  counts: { rel: Relation; where?: Args }[];
}

const ARG_KEYS = new Set(['select', 'include', 'where', 'orderBy', 'take', 'skip', 'cursor']);

export class Reader {
  constructor(
    private readonly models: DataModel,
    private readonly run: RunSql,
  ) {}

  /** A hand-written read-only statement (reads/raw.ts), run and counted like the planned ones. */
  raw(text: string, values: unknown[]): Promise<Row[]> {
    // Analytic statements whose best plan depends on their values (windows, org sizes): planned each time.
    return this.run(text, values.map(serialize), false);
  }

  model(name: string): ModelInfo {
    const m = this.models.get(name);
    if (!m) throw new Unsupported(`model ${name}`);
    return m;
  }

  async findMany(modelName: string, args: Args = {}): Promise<Row[]> {
    const model = this.model(modelName);
    const selection = this.selection(model, args);
    const ctx = this.context();
    const terms = orderTerms(model, args.orderBy);
    const { take, skip, reverse } = page(args);
    const conditions = [whereSql(ctx, model, 't0', args.where as Args)];
    if (args.cursor) conditions.push(cursorSql(ctx, model, 't0', terms, args.cursor as Args, reverse));
    const text =
      `SELECT ${columns(model, selection, 't0')} FROM ${q(model.name)} t0 WHERE ${conditions.join(' AND ')}` +
      `${orderSql('t0', terms, reverse)}${limit(take, skip)}`;
    const rows = await this.run(text, ctx.params.values);
    if (reverse) rows.reverse();
    await this.loadRelations(rows, selection);
    return rows.map((r) => shape(r, selection));
  }

  async findFirst(modelName: string, args: Args = {}): Promise<Row | null> {
    const take = args.take === undefined ? 1 : args.take;
    if (take !== 1 && take !== -1) throw new Unsupported('findFirst with take');
    return (await this.findMany(modelName, { ...args, take }))[0] ?? null;
  }

  async count(modelName: string, args: Args = {}): Promise<number> {
    for (const key of Object.keys(args)) if (key !== 'where' && args[key] !== undefined) throw new Unsupported(`count with ${key}`);
    const model = this.model(modelName);
    const ctx = this.context();
    const rows = await this.run(
      `SELECT count(*)::int AS n FROM ${q(model.name)} t0 WHERE ${whereSql(ctx, model, 't0', args.where as Args)}`,
      ctx.params.values,
    );
    return rows[0].n as number;
  }

  private context(): WhereContext {
    let n = 0;
    return { models: this.models, params: new Params(), alias: () => `s${n++}` };
  }

  private selection(model: ModelInfo, args: Args): Selection {
    for (const key of Object.keys(args)) if (!ARG_KEYS.has(key) && args[key] !== undefined) throw new Unsupported(`argument ${key}`);
    if (args.select && args.include) throw new Unsupported('select and include together');
    // An empty select (a client asking only for __typename) reads the row's own columns, as Prisma
    // is made to (db.ts), rather than nothing.
    const select = args.select && Object.values(args.select as Args).some(Boolean) ? (args.select as Args) : undefined;
    const chosen = (select ?? args.include) as Args | undefined;
    const selection: Selection = { scalars: select ? [] : [...model.scalars.keys()], bigints: [], relations: [], counts: [] };
    for (const [key, value] of Object.entries(chosen ?? {})) {
      if (!value) continue;
      if (key === '_count') selection.counts.push(...this.counts(model, value));
      else if (model.scalars.has(key)) {
        if (select) selection.scalars.push(key);
      } else if (model.relations.has(key)) selection.relations.push({ rel: model.relations.get(key)!, args: value === true ? {} : (value as Args) });
      else throw new Unsupported(`selection ${model.name}.${key}`);
    }
    selection.bigints = selection.scalars.filter((name) => model.scalars.get(name)!.type === 'BigInt');
    return selection;
  }

  private counts(model: ModelInfo, value: unknown): Selection['counts'] {
    const lists = [...model.relations.values()].filter((r) => r.isList);
    if (value === true) return lists.map((rel) => ({ rel }));
    const select = (value as { select?: Args }).select;
    if (!select) throw new Unsupported('_count without select');
    return Object.entries(select)
      .filter(([, v]) => v)
      .map(([name, v]) => {
        const rel = model.relations.get(name);
        if (!rel?.isList) throw new Unsupported(`_count.${name}`);
        return { rel, where: v === true ? undefined : ((v as Args).where as Args | undefined) };
      });
  }

  private async loadRelations(rows: Row[], selection: Selection): Promise<void> {
    if (!rows.length) return;
    await Promise.all([
      ...selection.relations.map(({ rel, args }) => this.loadRelation(rel, rows, args)),
      ...selection.counts.map(({ rel, where }) => this.loadCount(rel, rows, where)),
    ]);
  }

  private async loadRelation(rel: Relation, parents: Row[], args: Args): Promise<void> {
    const target = this.model(rel.target);
    const keys = [...new Set(parents.map((p) => p[rel.localKey]).filter((k) => k !== null && k !== undefined))];
    const selection = this.selection(target, args);
    const empty = () => (rel.isList ? [] : null);
    if (!keys.length) {
      for (const p of parents) p[rel.name] = empty();
      return;
    }
    if (!rel.isList && (args.where || args.orderBy || args.take !== undefined || args.skip || args.cursor))
      throw new Unsupported('arguments on a to-one relation');
    const ctx = this.context();
    const terms = orderTerms(target, args.orderBy);
    const { take, skip, reverse } = page(args);
    const keyParam = ctx.params.add(keys);
    const conditions = [whereSql(ctx, target, 't1', args.where as Args)];
    if (args.cursor) conditions.push(cursorSql(ctx, target, 't1', terms, args.cursor as Args, reverse));
    const cols = columns(target, selection, 't1');
    let text: string;
    if (take === undefined && !skip) {
      text = `SELECT ${cols}, t1.${q(rel.remoteKey)} AS "__parent" FROM ${q(target.name)} t1 WHERE t1.${q(rel.remoteKey)} = ANY(${keyParam}) AND ${conditions.join(' AND ')}${orderSql('t1', terms, reverse)}`;
    } else {
      // One page per parent: the LIMIT sits inside the LATERAL subquery, so each parent reads its page.
      // Rows come back parent by parent in index order; ordinality and row number make that explicit
      // and are sorted on here rather than by a Sort node over every parent's page.
      text =
        `SELECT p.ord AS "__ord", x.* FROM unnest(${keyParam}::text[]) WITH ORDINALITY AS p(k, ord) CROSS JOIN LATERAL (` +
        `SELECT ${cols}, t1.${q(rel.remoteKey)} AS "__parent", row_number() OVER (${orderSql('t1', terms, reverse).trim() || 'ORDER BY 1'}) AS "__rn" FROM ${q(target.name)} t1 ` +
        `WHERE t1.${q(rel.remoteKey)} = p.k AND ${conditions.join(' AND ')}${orderSql('t1', terms, reverse)}${limit(take, skip)}) x`;
    }
    const children = await this.run(text, ctx.params.values);
    if (take !== undefined || skip) children.sort((a, b) => Number(a.__ord) - Number(b.__ord) || Number(a.__rn) - Number(b.__rn));
    await this.loadRelations(children, selection);
    const groups = new Map<unknown, Row[]>();
    for (const child of children) {
      const key = child.__parent;
      const shaped = shape(child, selection);
      const group = groups.get(key);
      if (group) group.push(shaped);
      else groups.set(key, [shaped]);
    }
    for (const p of parents) {
      const group = groups.get(p[rel.localKey]);
      if (rel.isList) p[rel.name] = reverse && group ? group.reverse() : (group ?? []);
      else p[rel.name] = group?.[0] ?? null;
    }
  }

  private async loadCount(rel: Relation, parents: Row[], where?: Args): Promise<void> {
    const target = this.model(rel.target);
    const keys = [...new Set(parents.map((p) => p[rel.localKey]).filter((k) => k !== null && k !== undefined))];
    const counts = new Map<unknown, number>();
    if (keys.length) {
      const ctx = this.context();
      const keyParam = ctx.params.add(keys);
      const rows = await this.run(
        `SELECT t1.${q(rel.remoteKey)} AS k, count(*)::int AS n FROM ${q(target.name)} t1 WHERE t1.${q(rel.remoteKey)} = ANY(${keyParam}) AND ${whereSql(ctx, target, 't1', where)} GROUP BY 1`,
        ctx.params.values,
      );
      for (const r of rows) counts.set(r.k, r.n as number);
    }
    for (const p of parents) {
      const c = (p._count ??= {}) as Row;
      c[rel.name] = counts.get(p[rel.localKey]) ?? 0;
    }
  }
}

function page(args: Args): { take?: number; skip: number; reverse: boolean } {
  const take = args.take as number | undefined;
  const skip = (args.skip as number | undefined) ?? 0;
  if ((take !== undefined && !Number.isInteger(take)) || !Number.isInteger(skip) || skip < 0) throw new Unsupported('take/skip');
  return { take: take === undefined ? undefined : Math.abs(take), skip, reverse: take !== undefined && take < 0 };
}

const limit = (take: number | undefined, skip: number) => `${take !== undefined ? ` LIMIT ${take}` : ''}${skip ? ` OFFSET ${skip}` : ''}`;

/** The selected scalars plus the keys relations join on (dropped again by `shape`). */
function columns(model: ModelInfo, selection: Selection, t: string): string {
  const cols = new Set(selection.scalars);
  for (const { rel } of selection.relations) cols.add(rel.localKey);
  for (const { rel } of selection.counts) cols.add(rel.localKey);
  if (!cols.size) cols.add(model.id ?? [...model.scalars.keys()][0]);
  return [...cols].map((c) => `${t}.${q(c)}`).join(', ');
}

function shape(row: Row, selection: Selection): Row {
  const out: Row = {};
  for (const s of selection.scalars) out[s] = row[s];
  for (const s of selection.bigints) if (out[s] !== null && out[s] !== undefined) out[s] = BigInt(out[s] as string | number);
  for (const { rel } of selection.relations) out[rel.name] = row[rel.name];
  if (selection.counts.length) out._count = row._count;
  return out;
}
