// Query plans of what the API sends: each statement of an operation, EXPLAINed with its own
// parameters, and the two things that make a read cost more than its page — a sequential scan of a
// big table, or a sort of more rows than the page — plus how many rows the executor read.
import type { TestApp } from './app.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

export interface StatementPlan {
  sql: string;
  root: PlanNode;
  /** Rows scan nodes produced or filtered away, over all loops (whole scans of small tables excepted). */
  rowsRead: number;
  problems: string[];
}

const SCANS = new Set(['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan']);

/** Runs `query` as `as`, then EXPLAIN ANALYZEs every statement it sent. */
export async function explainOperation(
  t: TestApp,
  query: string,
  opts: { as?: string; variables?: Record<string, unknown>; page: number; bigTable: (name: string) => boolean },
): Promise<{ data: Record<string, any>; plans: StatementPlan[] }> {
  const sent: { sql: string; params: readonly unknown[] }[] = [];
  const off = t.database.onStatement((sql, params) => sent.push({ sql, params }));
  let data: Record<string, any>;
  try {
    data = await t.ok(query, opts.variables, opts.as);
  } finally {
    off();
  }
  const plans: StatementPlan[] = [];
  for (const { sql, params } of sent) {
    const rows = await t.database.sql.query<Record<string, unknown>>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, [...params]);
    const raw = Object.values(rows[0])[0];
    const json = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    const root = json[0].Plan;
    const isCount = /^SELECT (t1\.\S+ AS k, )?count\(\*\)/.test(sql);
    const problems: string[] = [];
    let rowsRead = 0;
    walk(root, (node) => {
      const loops = node['Actual Loops'] ?? 1;
      // A table of a few pages is read whole by design (cheaper than its index): not counted.
      const tiny = node['Node Type'] === 'Seq Scan' && node['Relation Name'] && !opts.bigTable(node['Relation Name']);
      if (SCANS.has(node['Node Type']) && !tiny) {
        rowsRead += ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
      }
      // A count reads what it counts (totalCount is only computed when asked for).
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && opts.bigTable(node['Relation Name']) && !isCount) {
        problems.push(`sequential scan of "${node['Relation Name']}"`);
      }
      // Sorting what is returned anyway (a short plain list) is fine; sorting rows only to throw
      // most of them away — reading past the page — is what an index should have prevented.
      if (node['Node Type'] === 'Sort' || node['Node Type'] === 'Incremental Sort') {
        const input = node.Plans?.[0]?.['Actual Rows'] ?? 0; // per loop
        if (input > Math.max(opts.page + 1, node['Actual Rows'] ?? 0))
          problems.push(`${node['Node Type']} of ${input} rows for a page of ${opts.page}`);
      }
    });
    plans.push({ sql, root, rowsRead, problems });
  }
  return { data, plans };
}

function walk(node: PlanNode, visit: (n: PlanNode) => void) {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/** Objects in a GraphQL answer: every JSON object below `data` (nodes, nested records). */
export function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + objectsIn(v), 0);
  if (!value || typeof value !== 'object') return 0;
  const own = Object.keys(value).some((k) => k !== 'nodes' && k !== 'pageInfo') ? 1 : 0;
  return own + Object.values(value).reduce((n: number, v) => n + objectsIn(v), 0);
}
