// Property-based fuzzing from the schema itself: for every root field (queries, mutations and
// subscriptions), hostile values are generated for every argument from its type — strings with NUL,
// control characters, unpaired surrogates, edge and huge lengths; dates at and beyond 1970–2100;
// ints at the edges; malformed global ids of every node type, ids of the wrong type and real ones —
// sent as variables or as literals, as an operator or as a fan. Random documents and raw bodies too.
// Every answer must be free of INTERNAL_SERVER_ERROR and 5xx, every error must carry a code, and a
// refused call must leave the database exactly as it was (a checksum of every table).
//
// CI runs FUZZ_RUNS=4 cases per root field (about a minute on a busy 2-core machine); run more with
//   FUZZ_RUNS=200 npx vitest run --config test/vitest.config.ts test/security/fuzz.test.ts
// and replay a failure with the FUZZ_SEED it prints.
import fc from 'fast-check';
import {
  astFromValue,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  print,
} from 'graphql';
import { describe, expect } from 'vitest';
import { schema } from '../../src/schema.js';
import { gid } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 4);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

let principals: string[];
let snapshotSql: string;
const validIds: string[] = [];
const it = useTestApp({ fans: 5 });
it.beforeAll(async ({ t }) => {
  console.info(`fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}`);
  const demoOrgId = t.orgId;
  const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: demoOrgId } });
  principals = ['Dev demo', `Dev demo/fan:${fan.externalId}`];
  // Real ids of every node type the database has rows for, so generated calls also get past lookups.
  const prisma = t.database.prisma as unknown as Record<string, { findMany(a: object): Promise<{ id: string }[]> }>;
  for (const type of nodeTypes) {
    const model = prisma[type[0].toLowerCase() + type.slice(1)];
    const rows = await model?.findMany({ where: { orgId: demoOrgId }, take: 2, select: { id: true } }).catch(() => []);
    for (const r of rows ?? []) validIds.push(gid(type, r.id));
  }
  // The audit log is left out: it records every operator mutation, refused ones included (core/audit.ts).
  const tables = await t.database.sql.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'AuditEntry') ORDER BY 1`,
  );
  snapshotSql = `SELECT ${tables.map(({ name }) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${name}" x) AS "${name}"`).join(', ')}`;
});

/** A checksum of every row of every table. */
const snapshot = async (t: SeededTestApp) => (await t.database.sql.query<Record<string, string>>(snapshotSql))[0];

// ---- values, from the types -------------------------------------------------------------------

const node = schema.getType('Node');
const nodeTypes = Object.values(schema.getTypeMap())
  .filter((x) => isObjectType(x) && x.getInterfaces().some((i) => i === node))
  .map((x) => x.name);
const b64 = (s: string) => Buffer.from(s).toString('base64');

const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\ud83d',
    '💄',
    '%',
    '_',
    '\\',
    '%_\\',
    '\'; DROP TABLE "Fan"; --',
    '\u202e\u0007\u001b[31m',
    '\r\n\t',
  ),
  fc.constantFrom('0000-01', '9999-12', '1969-12', '1970-01', '2100-12', '2101-01', '2026-00', '2026-13', '2026-11'),
  fc.constantFrom(63, 64, 65, 199, 200, 201, 500, 501, 2_000, 2_001, 20_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(64, 200, 20_000).map((n) => `${'y'.repeat(n)}\u0000`),
);

const hostileId = fc.oneof(
  fc.nat().map((i) => validIds[i % validIds.length] ?? 'x'),
  fc.tuple(fc.constantFrom(...nodeTypes, 'Nope', '', 'fan', '__proto__'), hostileText).map(([type, id]) => b64(`${type}:${id}`)),
  fc.constantFrom('!!!', '', 'a', b64('Fan'), b64(':x'), b64('Fan:'), b64('Fan:a:b'), '====', 'Fan:abc'),
  fc.string({ maxLength: 30 }),
);

const instant = (d: Date) => d.toISOString();
const hostileDateTime = fc.oneof(
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '1970-01-01T00:00:00Z',
    '2100-12-31T23:59:59Z',
    '2101-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '+275760-09-13T00:00:00Z',
    'yesterday',
    '',
    '2026-02-30T00:00:00Z',
  ),
  fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map(instant),
  fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map(instant),
);
const hostileDate = hostileDateTime.map((s) => (/^\d{4}-\d\d-\d\d/.test(s) ? s.slice(0, 10) : s));
const hostileInt = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 5, 100, 101, 1_000, 2 ** 31 - 1, -(2 ** 31)),
  fc.integer(),
  fc.constantFrom(2 ** 31, 1.5, '7'),
);
const hostileJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 3 }),
  fc.constantFrom({ a: '\u0000' }, { '\ud800': 1 }, 'x'.repeat(20_000), [[[[[[[[[[[]]]]]]]]]]]),
);

function arb(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return arb(type.ofType, depth);
  if (isListType(type)) return fc.array(arb(type.ofType, depth + 1), { maxLength: 3 });
  if (isInputObjectType(type)) {
    if (depth > 4) return fc.constant({});
    const fields = Object.values(type.getFields());
    const record = Object.fromEntries(
      fields.map((f) => [f.name, isNonNullType(f.type) ? arb(f.type, depth + 1) : fc.option(arb(f.type, depth + 1), { nil: null })]),
    );
    return fc.record(record, { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  }
  if (isEnumType(type))
    return fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...type.getValues().map((v) => v.name)) },
      { weight: 1, arbitrary: fc.constant('NOT_A_VALUE') },
    );
  switch (type.name) {
    case 'String':
      return hostileText;
    case 'ID':
      return hostileId;
    case 'Int':
      return hostileInt;
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308));
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return hostileDateTime;
    case 'Date':
      return hostileDate;
    case 'JSON':
      return hostileJson;
  }
  return fc.anything();
}

// ---- operations ---------------------------------------------------------------------------------

type Root = { kind: 'query' | 'mutation' | 'subscription'; field: GraphQLField<unknown, unknown> };
const roots: Root[] = (['query', 'mutation', 'subscription'] as const).flatMap((kind) =>
  Object.values(schema.getRootType(kind as never)!.getFields()).map((field) => ({ kind, field })),
);

function operation(root: Root, values: Record<string, unknown>, literal: boolean) {
  const given = root.field.args.filter((a) => values[a.name] !== undefined);
  const named = getNamedType(root.field.type);
  const withErrors = isUnionType(named) && named.getTypes().some((m) => m.getInterfaces().some((i) => i.name === 'Error'));
  const selection = !isCompositeType(named) ? '' : withErrors ? '{ __typename ... on Error { code message field } }' : '{ __typename }';
  if (literal) {
    // Inline the values as literals where graphql-js can print them; anything else stays a variable.
    const literalOf = (value: unknown, type: GraphQLInputType) => {
      try {
        return astFromValue(value, type);
      } catch {
        return null;
      }
    };
    const inline = given.map((a) => [a, literalOf(values[a.name], a.type)] as const);
    if (inline.every(([, ast]) => ast))
      return {
        query: `${root.kind} { ${root.field.name}${given.length ? `(${inline.map(([a, ast]) => `${a.name}: ${print(ast!)}`).join(', ')})` : ''} ${selection} }`,
        variables: {},
      };
  }
  const defs = given.map((a) => `$${a.name}: ${a.type}`).join(', ');
  return {
    query: `${root.kind}${defs ? `(${defs})` : ''} { ${root.field.name}${given.length ? `(${given.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''} ${selection} }`,
    variables: Object.fromEntries(given.map((a) => [a.name, values[a.name]])),
  };
}

interface Outcome {
  status: number;
  errors: { message: string; extensions?: { code?: string } }[];
  refused: boolean;
}

async function run(t: SeededTestApp, root: Root, op: { query: string; variables: Record<string, unknown> }, as: string): Promise<Outcome> {
  if (root.kind === 'subscription') {
    // The pipeline graphql-ws uses: an accepted subscription is an iterator (closed at once), a refusal a result.
    const request = new Request('http://test/graphql', { method: 'POST', headers: { authorization: as, 'content-type': 'application/json' } });
    const result = await (t.app as unknown as { getResultForParams(p: object, c: object): Promise<unknown> }).getResultForParams(
      { params: op, request },
      {},
    );
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      await (result as AsyncGenerator).return?.(undefined);
      return { status: 200, errors: [], refused: false };
    }
    const errors = ((result as { errors?: Outcome['errors'] }).errors ?? []).map((e) => ({ message: e.message, extensions: e.extensions }));
    return { status: 200, errors, refused: errors.length > 0 };
  }
  const res = await t.app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: as },
    body: JSON.stringify(op),
  });
  const body = (await res.json()) as { data?: Record<string, { __typename?: string } | null> | null; errors?: Outcome['errors'] };
  const errors = body.errors ?? [];
  const answer = body.data?.[root.field.name];
  return {
    status: res.status,
    errors,
    refused: errors.length > 0 || Boolean((answer as { __typename?: string } | null)?.__typename?.endsWith('Error')),
  };
}

function expectClean(outcome: Outcome, context: string) {
  expect(outcome.status, context).toBeLessThan(500);
  for (const e of outcome.errors) {
    expect(e.extensions?.code, `${context}: ${e.message}`).toBeDefined();
    expect(e.extensions?.code, `${context}: ${e.message}`).not.toBe('INTERNAL_SERVER_ERROR');
    expect(e.message, context).not.toBe('Unexpected error.');
  }
}

describe('every root field, with hostile arguments generated from its types', () => {
  it('walks all three root types', ({ t }) => {
    expect(new Set(roots.map((r) => r.kind))).toEqual(new Set(['query', 'mutation', 'subscription']));
    expect(roots.length).toBeGreaterThan(70);
  });

  it.for(roots.map((r) => [`${r.kind} ${r.field.name}`, r] as const))('%s', async ([_name, root], { t }) => {
    const args = fc.record(
      Object.fromEntries(root.field.args.map((a) => [a.name, isNonNullType(a.type) ? arb(a.type) : fc.option(arb(a.type), { nil: undefined })])),
    );
    let before: Record<string, string> | undefined;
    await fc.assert(
      fc.asyncProperty(args, fc.boolean(), fc.constantFrom(...principals), async (values, literal, as) => {
        const op = operation(root, values as Record<string, unknown>, literal);
        before ??= await snapshot(t);
        const outcome = await run(t, root, op, as);
        const context = `${root.field.name} as ${as}: ${JSON.stringify(op).slice(0, 300)}`;
        expectClean(outcome, context);
        if (outcome.refused) expect(await snapshot(t), `${context} was refused but changed the database`).toEqual(before);
        else before = undefined;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});

describe('random documents and bodies', () => {
  const names = [...new Set(roots.map((r) => r.field.name))];
  const token = fc.oneof(
    fc.constantFrom(
      '{',
      '}',
      '(',
      ')',
      ':',
      '!',
      '[',
      ']',
      '...',
      '$x',
      '@include(if: true)',
      '@skip(if: $x)',
      'on',
      'Fan',
      'query',
      'mutation',
      'subscription',
      'fragment F on Query',
      '...F',
      '__schema',
      '__typename',
      '__type(name: "Fan")',
      'id',
      'nodes',
      'first: 100',
      'after: "\\u0000"',
      '"\\ud800"',
      '"""',
      '#',
      '1e999',
      '-0',
      'null',
      '\u0000',
      '\ufeff',
    ),
    fc.constantFrom(...names),
    fc.string({ maxLength: 6 }),
  );
  const document = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(' '));

  it('never answer with a 5xx or an uncoded or internal error', async ({ t }) => {
    await fc.assert(
      fc.asyncProperty(document, fc.constantFrom(...principals), async (query, as) => {
        const res = await t.app.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: as },
          body: JSON.stringify({ query }),
        });
        const body = (await res.json()) as { errors?: Outcome['errors'] };
        expectClean({ status: res.status, errors: body.errors ?? [], refused: true }, query);
      }),
      { numRuns: RUNS * 25, seed: SEED, endOnFailure: true },
    );
  });

  it('raw bodies of any shape are refused with a code, never a 5xx', async ({ t }) => {
    const body = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ query: v, variables: v, extensions: v, operationName: v })),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('application/json', 'application/graphql', 'text/plain', 'application/x-www-form-urlencoded'),
        async (raw, type) => {
          const res = await t.app.fetch('http://test/graphql', {
            method: 'POST',
            headers: { 'content-type': type, 'x-graphql-yoga-csrf': '1', authorization: 'Dev demo' },
            body: raw,
          });
          const text = await res.text();
          const parsed = text ? (JSON.parse(text) as { errors?: Outcome['errors'] }) : { errors: [] };
          expectClean({ status: res.status, errors: parsed.errors ?? [], refused: true }, `${type}: ${raw.slice(0, 200)}`);
        },
      ),
      { numRuns: RUNS * 25, seed: SEED, endOnFailure: true },
    );
  });
});
