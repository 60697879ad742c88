// bench:api's result shape and the tables it keeps in bench/README.md (between markers per label).
import { readFileSync, writeFileSync } from 'node:fs';
import { type Calibration, describeCalibration } from './calibration.js';

export interface RunFigures {
  seconds: number;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Server process CPU (user + system) per completed request. */
  cpuMsPerRequest: number | null;
  /** CPU of the PostgreSQL backends serving that server, per completed request. */
  dbCpuMsPerRequest: number | null;
}

export interface CostFigures {
  statements: number;
  /** tup_returned + tup_fetched of the bench database per request. */
  rowsRead: number;
  tupReturned: number;
  tupFetched: number;
  transactions: number;
  /** DataRow messages PostgreSQL sent to the server per request. */
  rowsSent: number;
  sql: string[];
}

interface Medians {
  apiReqPerSec: number;
  rawReqPerSec: number;
  ratio: number;
  apiP50Ms: number;
  apiP99Ms: number;
  rawP50Ms: number;
  rawP99Ms: number;
  apiCpuMs: number;
  rawCpuMs: number;
  apiDbCpuMs: number;
  rawDbCpuMs: number;
}

export interface ApiBenchResult {
  label: string;
  date: string;
  finished: string;
  target: { dir: string; commit: string };
  bench: { commit: string };
  machine: string;
  settings: {
    fans: number;
    rounds: number;
    roundSeconds: number;
    maxRoundSeconds: number;
    connections: number[];
    statRequests: number;
    database: string;
    apiPoolSize: number;
    rawPoolSize: number;
  };
  dataset: { rows: Record<string, number>; build: { seconds: number; steps: { name: string; seconds: number }[] } | null };
  calibration: Calibration;
  load: { before: { loadavg: number[]; busyCores: number }; after: { loadavg: number[]; busyCores: number } };
  rssMb: { before: { api: number; raw: number }; after: { api: number; raw: number } };
  queries: {
    name: string;
    title: string;
    query: string;
    target: string | null;
    answer: { objects: number; bytes: number; apiMs: number; match: boolean; difference: string | null };
    runs: Record<string, { api: RunFigures[]; raw: RunFigures[]; median: Medians }>;
    cost: { api: CostFigures; raw: CostFigures };
  }[];
}

const n = (x: number | null | undefined, d = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '—' : x.toLocaleString('en', { maximumFractionDigits: d });

/** Issue 9's targets against this run's figures (at the highest connection count; p50 at 1 connection). */
export function targets(r: ApiBenchResult) {
  const top = String(Math.max(...r.settings.connections));
  const q = (name: string) => r.queries.find((x) => x.name === name);
  const m = (name: string) => q(name)?.runs[top]?.median;
  const rows: [string, string, boolean | null][] = [];
  const add = (what: string, measured: string, ok: boolean | null) => rows.push([what, measured, ok]);
  if (m('Q1')) add(`Q1 ≥ 0.5× raw req/s (${top} conn)`, `${n(m('Q1')!.ratio, 3)}×`, m('Q1')!.ratio >= 0.5);
  if (m('Q1')) add('Q1 server CPU ≤ 1 ms per request', `${n(m('Q1')!.apiCpuMs, 2)} ms`, m('Q1')!.apiCpuMs <= 1);
  if (m('Q2')) add(`Q2 ≥ 0.4× raw req/s (${top} conn)`, `${n(m('Q2')!.ratio, 3)}×`, m('Q2')!.ratio >= 0.4);
  if (q('Q2'))
    add(
      'Q2 rows read ≤ 2× rows returned',
      `${n(q('Q2')!.cost.api.rowsRead, 0)} read / ${q('Q2')!.answer.objects} returned`,
      q('Q2')!.cost.api.rowsRead <= 2 * q('Q2')!.answer.objects,
    );
  if (m('Q3')) add(`Q3 ≥ 0.8× raw req/s (${top} conn)`, `${n(m('Q3')!.ratio, 3)}×`, m('Q3')!.ratio >= 0.8);
  const p50s = r.queries.map((x) => [x.name, x.runs['1']?.median.apiP50Ms] as const).filter(([, p]) => p !== undefined);
  if (p50s.length)
    add(
      'every query p50 ≤ 50 ms at 1 connection',
      p50s.map(([name, p]) => `${name} ${n(p, 0)}`).join(', '),
      p50s.every(([, p]) => p! <= 50),
    );
  const grow = r.rssMb.after.api / r.rssMb.before.api - 1;
  add(
    'API RSS after within 20 % of before',
    `${n(r.rssMb.before.api)} → ${n(r.rssMb.after.api)} MB (${grow >= 0 ? '+' : ''}${n(grow * 100, 0)} %)`,
    Math.abs(grow) <= 0.2,
  );
  return rows;
}

export function renderReport(r: ApiBenchResult): string {
  const lines: string[] = [];
  const ds = r.dataset.rows;
  lines.push(`### ${r.label}: API at ${r.target.commit} vs raw \`pg\` handler, ${n(r.settings.fans, 0)} fans, PostgreSQL`);
  lines.push('');
  lines.push(
    `Run ${r.date} → ${r.finished}; ${r.machine}. Dataset: ${n(ds.Fan, 0)} fans, ${n(ds.Membership, 0)} memberships, ${n(ds.Order, 0)} orders, ` +
      `${n(ds.ActivityEvent, 0)} activity events, ${n(ds.PointsEntry, 0)} ledger entries${r.dataset.build ? ` (built in ${n(r.dataset.build.seconds)} s this run)` : ''}. ` +
      `${r.settings.rounds} interleaved rounds of ${r.settings.roundSeconds} s (slow API runs up to ${r.settings.maxRoundSeconds} s); req/s and latencies are medians of rounds.`,
  );
  lines.push('');
  lines.push(
    `Calibration: ${describeCalibration(r.calibration)}. Machine busy before: ${n(r.load.before.busyCores, 2)} cores (load ${r.load.before.loadavg.join(' ')}); after: ${n(r.load.after.busyCores, 2)} cores (load ${r.load.after.loadavg.join(' ')}).`,
  );
  lines.push('');
  lines.push(
    '| query | conn | API req/s | raw req/s | API ÷ raw | API p50 / p99 ms | raw p50 / p99 ms | API CPU ms/req | raw CPU ms/req | PG CPU ms/req API / raw |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const q of r.queries) {
    for (const [c, v] of Object.entries(q.runs)) {
      const m = v.median;
      lines.push(
        `| ${q.name} | ${c} | ${n(m.apiReqPerSec)} | ${n(m.rawReqPerSec)} | **${n(m.ratio, 3)}** | ${n(m.apiP50Ms, 0)} / ${n(m.apiP99Ms, 0)} | ${n(m.rawP50Ms, 0)} / ${n(m.rawP99Ms, 0)} | ${n(m.apiCpuMs, 2)} | ${n(m.rawCpuMs, 3)} | ${n(m.apiDbCpuMs, 2)} / ${n(m.rawDbCpuMs, 2)} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    `Per request, ${r.settings.statRequests} sequential requests each (statements counted by a protocol proxy; rows read = pg_stat_database tup_returned + tup_fetched; rows returned = objects in the response):`,
  );
  lines.push('');
  lines.push('| query | what | rows returned | SQL statements API / raw | rows read API / raw | rows sent by PG API / raw |');
  lines.push('|---|---|---|---|---|---|');
  for (const q of r.queries) {
    lines.push(
      `| ${q.name} | ${q.title} | ${q.answer.objects} | ${n(q.cost.api.statements, 2)} / ${n(q.cost.raw.statements, 2)} | ${n(q.cost.api.rowsRead, 0)} / ${n(q.cost.raw.rowsRead, 0)} | ${n(q.cost.api.rowsSent, 0)} / ${n(q.cost.raw.rowsSent, 0)} |`,
    );
  }
  lines.push('');
  lines.push('| target (issue 9) | measured | met |');
  lines.push('|---|---|---|');
  for (const [what, measured, ok] of targets(r)) lines.push(`| ${what} | ${measured} | ${ok === null ? '—' : ok ? 'yes' : 'no'} |`);
  lines.push('');
  lines.push(
    `Server RSS: API ${n(r.rssMb.before.api)} → ${n(r.rssMb.after.api)} MB, raw ${n(r.rssMb.before.raw)} → ${n(r.rssMb.after.raw)} MB. Raw figures: \`bench/results/api-${r.label}.json\`.`,
  );
  return lines.join('\n');
}

export function writeReport(file: string, r: ApiBenchResult) {
  const text = readFileSync(file, 'utf8');
  const open = `<!-- results:api-${r.label}:start -->`;
  const close = `<!-- results:api-${r.label}:end -->`;
  const block = `${open}\n${renderReport(r)}\n${close}`;
  const start = text.indexOf(open);
  const stop = text.indexOf(close);
  writeFileSync(
    file,
    start >= 0 && stop > start ? text.slice(0, start) + block + text.slice(stop + close.length) : `${text.trimEnd()}\n\n${block}\n`,
  );
}
