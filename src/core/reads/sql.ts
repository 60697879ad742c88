// SQL text for Prisma-shaped `where` and `orderBy` arguments, for the subset this API uses. Anything
// outside it throws Unsupported, and the caller lets Prisma answer instead — never a wrong answer.
import type { DataModel, ModelInfo } from './model.js';

export class Unsupported extends Error {}

export const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Positional parameters, serialized to text the same way on both drivers (pg and PGlite). */
export class Params {
  readonly values: (string | null)[] = [];
  add(value: unknown): string {
    this.values.push(serialize(value));
    return `$${this.values.length}`;
  }
}

/** A parameter as text, the same way on both drivers (a Date as UTC, an array as an array literal). */
export function serialize(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Unsupported('invalid date');
    // Columns are `timestamp(3)` holding UTC (Prisma's convention); a date column reads the day part.
    return v.toISOString().slice(0, -1);
  }
  if (Array.isArray(v)) return `{${v.map((x) => (x === null ? 'NULL' : `"${String(serialize(x)).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Unsupported(`parameter of type ${typeof v}`);
}

type Where = Record<string, unknown>;

export interface WhereContext {
  models: DataModel;
  params: Params;
  /** Fresh table aliases for subqueries. */
  alias(): string;
}

/** A boolean SQL expression for `where` on `model` aliased as `t`. */
export function whereSql(ctx: WhereContext, model: ModelInfo, t: string, where: Where | undefined): string {
  if (!where) return 'TRUE';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND') parts.push(all(listOf(value).map((w) => whereSql(ctx, model, t, w as Where))));
    else if (key === 'OR') {
      const list = listOf(value);
      parts.push(list.length ? `(${list.map((w) => whereSql(ctx, model, t, w as Where)).join(' OR ')})` : 'FALSE');
    } else if (key === 'NOT') parts.push(...listOf(value).map((w) => `NOT ${whereSql(ctx, model, t, w as Where)}`));
    else if (model.scalars.has(key)) parts.push(scalarSql(ctx, model, `${t}.${q(key)}`, key, value));
    else if (model.relations.has(key)) parts.push(relationSql(ctx, model, t, key, value));
    else if (model.compoundKeys.has(key) && value && typeof value === 'object') {
      parts.push(whereSql(ctx, model, t, value as Where));
    } else throw new Unsupported(`where.${key}`);
  }
  return all(parts);
}

const all = (parts: string[]) => (parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`);
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function scalarSql(ctx: WhereContext, model: ModelInfo, col: string, key: string, value: unknown): string {
  const field = model.scalars.get(key)!;
  if (field.isList || field.type === 'Json') throw new Unsupported(`filter on ${model.name}.${key}`);
  if (value === null) return `${col} IS NULL`;
  if (typeof value !== 'object' || value instanceof Date) return `${col} = ${ctx.params.add(value)}`;
  const filter = value as Record<string, unknown>;
  const insensitive = filter.mode === 'insensitive';
  const parts: string[] = [];
  for (const [op, v] of Object.entries(filter)) {
    if (v === undefined || op === 'mode') continue;
    switch (op) {
      case 'equals':
        if (insensitive) throw new Unsupported('insensitive equals');
        parts.push(v === null ? `${col} IS NULL` : `${col} = ${ctx.params.add(v)}`);
        break;
      case 'not':
        if (v === null) parts.push(`${col} IS NOT NULL`);
        else if (typeof v === 'object' && !(v instanceof Date)) parts.push(`NOT ${scalarSql(ctx, model, col, key, v)}`);
        else parts.push(`${col} <> ${ctx.params.add(v)}`);
        break;
      case 'in':
      case 'notIn': {
        const list = v as unknown[];
        if (!Array.isArray(list)) throw new Unsupported(op);
        if (!list.length) parts.push(op === 'in' ? 'FALSE' : 'TRUE');
        else parts.push(`${op === 'in' ? '' : 'NOT '}${col} = ANY(${ctx.params.add(list)})`);
        break;
      }
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        parts.push(`${col} ${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[op]} ${ctx.params.add(v)}`);
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        // Prisma passes the text into LIKE as is (its wildcards included); so do we.
        const pattern = op === 'contains' ? `%${v}%` : op === 'startsWith' ? `${v}%` : `%${v}`;
        parts.push(`${col} ${insensitive ? 'ILIKE' : 'LIKE'} ${ctx.params.add(pattern)}`);
        break;
      }
      default:
        throw new Unsupported(`filter ${op}`);
    }
  }
  return all(parts);
}

function relationSql(ctx: WhereContext, model: ModelInfo, t: string, key: string, value: unknown): string {
  const rel = model.relations.get(key)!;
  const target = ctx.models.get(rel.target)!;
  const join = (a: string) => `${a}.${q(rel.remoteKey)} = ${t}.${q(rel.localKey)}`;
  const exists = (w: unknown, negate = false) => {
    const a = ctx.alias();
    return `${negate ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${q(rel.target)} ${a} WHERE ${join(a)} AND ${whereSql(ctx, target, a, w as Where)})`;
  };
  if (rel.isList) {
    const filter = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const [op, w] of Object.entries(filter)) {
      if (w === undefined) continue;
      if (op === 'some') parts.push(exists(w));
      else if (op === 'none') parts.push(exists(w, true));
      else if (op === 'every') {
        const a = ctx.alias();
        parts.push(`NOT EXISTS (SELECT 1 FROM ${q(rel.target)} ${a} WHERE ${join(a)} AND NOT ${whereSql(ctx, target, a, w as Where)})`);
      } else throw new Unsupported(`relation filter ${op}`);
    }
    return all(parts);
  }
  if (value === null) return rel.localKey === model.id ? exists({}, true) : `${t}.${q(rel.localKey)} IS NULL`;
  const filter = value as Record<string, unknown>;
  if ('is' in filter || 'isNot' in filter) {
    const parts: string[] = [];
    if (filter.is !== undefined) parts.push(filter.is === null ? relationSql(ctx, model, t, key, null) : exists(filter.is));
    if (filter.isNot !== undefined) parts.push(filter.isNot === null ? `NOT ${relationSql(ctx, model, t, key, null)}` : exists(filter.isNot, true));
    return all(parts);
  }
  return exists(filter);
}

export interface OrderTerm {
  column: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export function orderTerms(model: ModelInfo, orderBy: unknown): OrderTerm[] {
  if (orderBy === undefined || orderBy === null) return [];
  const terms: OrderTerm[] = [];
  for (const entry of listOf(orderBy)) {
    for (const [key, dir] of Object.entries(entry as Record<string, unknown>)) {
      if (dir === undefined) continue;
      if (!model.scalars.has(key)) throw new Unsupported(`orderBy.${key}`);
      if (typeof dir === 'string') terms.push({ column: key, desc: dir === 'desc' });
      else if (dir && typeof dir === 'object' && 'sort' in dir) {
        const { sort, nulls } = dir as { sort: string; nulls?: 'first' | 'last' };
        terms.push({ column: key, desc: sort === 'desc', nulls });
      } else throw new Unsupported(`orderBy.${key}`);
    }
  }
  return terms;
}

export function orderSql(t: string, terms: OrderTerm[], reverse = false): string {
  if (!terms.length) return '';
  return ` ORDER BY ${terms
    .map((o) => {
      const desc = o.desc !== reverse;
      const nulls = o.nulls ? (reverse ? (o.nulls === 'first' ? 'last' : 'first') : o.nulls) : undefined;
      return `${t}.${q(o.column)} ${desc ? 'DESC' : 'ASC'}${nulls ? ` NULLS ${nulls.toUpperCase()}` : ''}`;
    })
    .join(', ')}`;
}

/**
 * Prisma's cursor: rows at or after the cursor row in the given order. Expanded into comparisons on
 * the order columns against the cursor row's values; nullable order columns are left to Prisma.
 */
export function cursorSql(
  ctx: WhereContext,
  model: ModelInfo,
  t: string,
  terms: OrderTerm[],
  cursor: Record<string, unknown>,
  reverse: boolean,
): string {
  const keys = Object.entries(cursor).filter(([, v]) => v !== undefined);
  const id = model.id;
  if (keys.length !== 1 || !id || keys[0][0] !== id) throw new Unsupported('cursor on a key other than the id');
  if (!terms.length || terms[terms.length - 1].column !== id) throw new Unsupported('cursor without an id tiebreak');
  for (const o of terms) if (!model.scalars.get(o.column)!.isRequired) throw new Unsupported('cursor over a nullable order column');
  const c = ctx.alias();
  const at = ctx.params.add(keys[0][1]);
  const value = (col: string) => `(SELECT ${c}.${q(col)} FROM ${q(model.name)} ${c} WHERE ${c}.${q(id)} = ${at})`;
  const ors: string[] = [];
  for (let i = 0; i < terms.length; i++) {
    const eqs = terms.slice(0, i).map((o) => `${t}.${q(o.column)} = ${value(o.column)}`);
    const o = terms[i];
    const after = o.desc !== reverse ? '<' : '>';
    const last = i === terms.length - 1;
    ors.push(all([...eqs, `${t}.${q(o.column)} ${after}${last ? '=' : ''} ${value(o.column)}`]));
  }
  return `(${ors.join(' OR ')})`;
}
