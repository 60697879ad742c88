// The documented operations under schema/operations run against the demo data without errors,
// so examples in the README and typed documents from codegen never rot.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { useTestApp } from '../helpers/test-app.js';

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
