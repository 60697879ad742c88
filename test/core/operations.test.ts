// The documented operations under schema/operations run against the demo data without errors,
// so examples in the README and typed documents from codegen never rot; the partner operations list
// names the scopes the server really requires.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { partnerOperations } from '../../src/core/partner-operations.js';
import { partnerManifestFile } from '../../src/core/persisted.js';
import { PARTNER_SCOPES } from '../../src/organizations/api-keys.js';
import { schema } from '../../src/schema.js';
import { useTestApp } from '../helpers/test-app.js';
import { partnerKey, persisted, post } from '../security/security-helpers.js';

const dir = path.resolve('schema/operations');
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));

const it = useTestApp();

describe('schema/operations', () => {
  it('has operations to check', () => expect(files.length).toBeGreaterThan(0));
  it.for(files)('%s executes on the demo organization and returns data', async (file, { t }) => {
    const res = await t.gql(readFileSync(path.join(dir, file), 'utf8'), {});
    expect(res.errors).toBeUndefined();
    const values = Object.values(res.data ?? {});
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v !== null)).toBe(true);
  });
});

describe('the partner operations list (npm run cli -- partner-operations)', () => {
  const manifest: Record<string, string> = JSON.parse(readFileSync(partnerManifestFile, 'utf8'));
  const listed = partnerOperations(schema, manifest);

  it('names every partner operation with its hash and the key scopes it needs', () => {
    const names = readdirSync(path.join(dir, 'partner')).map(
      (f) => readFileSync(path.join(dir, 'partner', f), 'utf8').match(/^(?:query|mutation|subscription) (\w+)/m)?.[1],
    );
    expect(listed.map((o) => o.name).sort()).toEqual(names.sort());
    for (const o of listed) {
      expect(manifest[`sha256:${o.hash}`], o.name).toMatch(new RegExp(`^${o.type} ${o.name}\\b`));
      expect(o.scopes.length, o.name).toBeGreaterThan(0);
      for (const s of o.scopes) expect(PARTNER_SCOPES, o.name).toContain(s);
    }
  });

  it('is what the server enforces: a key with exactly the listed scopes runs it, a key without them is FORBIDDEN', async ({ t }) => {
    const op = listed.find((o) => o.name === 'PartnerRecentOrders');
    if (!op) throw new Error('PartnerRecentOrders is not listed');
    const run = async (scopes: string[]) =>
      post(t.app, persisted(`sha256:${op.hash}`, {}), { authorization: (await partnerKey(t, 'demo', scopes)).authorization });
    expect((await run(op.scopes)).body.errors).toBeUndefined();
    const others = PARTNER_SCOPES.filter((s) => !op.scopes.includes(s));
    expect((await run([...others])).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
