// The shape every module keeps, checked over the whole schema and source tree so a new file cannot
// quietly step out of it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type GraphQLArgument, type GraphQLInputField, isInputObjectType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema.js';

type IdExtensions = { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };

/** Every argument and input field of the schema, named "Type.field(arg)" / "Input.field". */
function inputs(): { name: string; input: GraphQLArgument | GraphQLInputField }[] {
  const all: { name: string; input: GraphQLArgument | GraphQLInputField }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type))
      for (const f of Object.values(type.getFields())) for (const a of f.args) all.push({ name: `${type.name}.${f.name}(${a.name})`, input: a });
    if (isInputObjectType(type)) for (const f of Object.values(type.getFields())) all.push({ name: `${type.name}.${f.name}`, input: f });
  }
  return all;
}

describe('global id arguments', () => {
  const ids = inputs().filter(({ input }) => (input.extensions as IdExtensions).isRelayGlobalID);

  it('are found by the walk', () => {
    expect(ids.length).toBeGreaterThan(60);
  });

  // `for:` makes the schema refuse an id of another type (VALIDATION in a mutation's DomainError,
  // BAD_USER_INPUT elsewhere) before a resolver runs, so no resolver checks a typename by hand.
  it('name the type they accept (`for:`), except node lookups, which accept any', () => {
    const open = ids.filter(({ input }) => !(input.extensions as IdExtensions).relayGlobalIDFor?.length).map(({ name }) => name);
    expect(open).toEqual(['Query.node(id)', 'Query.nodes(ids)']);
  });
});

// ───────────── arrows one way ─────────────
// core ← activity ← domains ← app (app.ts, main.ts, cli.ts, schema.ts, services.ts, demo/, dashboard/). A domain
// may import only the domains listed for it here; adding an arrow is a decision, made in this list.
const DOMAIN_ARROWS: Record<string, string[]> = {
  organizations: [],
  fans: ['organizations'], // Viewer.fan: the viewer type lives with the organization, a fan's profile extends it
  communities: ['fans', 'organizations'],
  live: ['communities', 'fans'],
  fulfilment: ['fans'], // below every prize source: they owe prizes through it; what a cancel returns is registered in services.ts
  points: ['communities', 'fans', 'fulfilment'],
  orders: ['communities', 'fans', 'live', 'points'],
  checkins: ['communities', 'fans', 'live', 'points'],
  campaigns: ['communities', 'fans', 'fulfilment', 'live', 'orders', 'points'], // points: wheel points prizes are credited at once
  broadcasts: ['communities', 'fans'], // group broadcasts: targets groups by ids, kinds or a saved segment's fans
  webhooks: [], // outbound delivery: fed by core/outbound.ts jobs, imports no domain
  insights: ['campaigns', 'checkins', 'communities', 'fans', 'fulfilment', 'live', 'orders', 'organizations', 'points'], // read-only over the domains: metrics import their refs, nothing imports insights
};
const BELOW: Record<string, string[]> = { generated: [], core: ['generated'], activity: ['core', 'generated'] };

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));
const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.startsWith('generated'));
const moduleOf = (file: string) => (file.includes(sep) ? file.split(sep)[0] : 'app');
type Edge = { target: string; typeOnly: boolean };
const STATIC = /^\s*(import|export)(\s+type)?\s(?:[^'";]*?\sfrom\s)?['"](\.{1,2}\/[^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const imports = new Map<string, Edge[]>(
  files.map((file) => {
    const text = readFileSync(join(srcDir, file), 'utf8');
    const at = (s: string) => relative(srcDir, resolve(dirname(join(srcDir, file)), s)).replace(/\.js$/, '.ts');
    const edges = [...text.matchAll(STATIC)].map((m) => ({ target: at(m[3]!), typeOnly: Boolean(m[2]) }));
    edges.push(...[...text.matchAll(DYNAMIC)].map((m) => ({ target: at(m[1]!), typeOnly: false })));
    return [file, edges];
  }),
);

describe('module arrows', () => {
  it('reads every source file and its imports', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.get(join('communities', 'membership.ts'))?.map((e) => e.target)).toContain(join('activity', 'events.ts'));
    const unresolved = [...imports.values()].flat().filter((e) => !files.includes(e.target) && !e.target.startsWith('generated'));
    expect(unresolved).toEqual([]);
  });

  it('point down: core and activity import nothing above them, domains only the domains listed for them, nothing imports the app', () => {
    const uphill: string[] = [];
    for (const [file, targets] of imports) {
      const from = moduleOf(file);
      for (const { target } of targets) {
        const to = moduleOf(target);
        if (from === to || from === 'app' || from === 'demo' || from === 'dashboard') continue;
        const allowed = BELOW[from] ?? [...DOMAIN_ARROWS[from]!, 'activity', 'core', 'generated'];
        if (!allowed.includes(to)) uphill.push(`${file} → ${target}`);
      }
    }
    expect(uphill).toEqual([]);
    expect(Object.keys(DOMAIN_ARROWS).sort()).toEqual(
      [...new Set(files.map(moduleOf))].filter((m) => !['app', 'demo', 'dashboard', 'core', 'activity'].includes(m)).sort(),
    );
  });

  it('allow no cycle between modules', () => {
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      DOMAIN_ARROWS[from]!.some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
    expect(Object.keys(DOMAIN_ARROWS).filter((m) => reaches(m, m))).toEqual([]);
  });

  // Type-only imports vanish at run time; a cycle of real imports makes load order matter.
  it('form no cycle between files (run-time imports)', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') return void cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      state.set(file, 'open');
      for (const { target, typeOnly } of imports.get(file) ?? []) if (!typeOnly) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
