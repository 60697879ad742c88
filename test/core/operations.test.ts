// The documented operations under schema/operations run against the demo data without errors,
// so examples in the README and typed documents from codegen never rot.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { seedTwoTenants } from '../helpers/fixtures.js';

const dir = path.resolve('schema/operations');
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedTwoTenants(t);
});
afterAll(() => t?.dispose());

describe('schema/operations', () => {
  it('has operations to check', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s executes on the demo organization and returns data', async (file) => {
    const res = await t.gql(readFileSync(path.join(dir, file), 'utf8'), {});
    expect(res.errors).toBeUndefined();
    const values = Object.values(res.data ?? {});
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v !== null)).toBe(true);
  });
});
