// No root field is reachable without a declared rule: every Query, Mutation and Subscription field
// declares authScopes, only `viewer` is public, and every partner scope used is one a key can hold.
import { describe, expect, it } from 'vitest';
import { PARTNER_SCOPES } from '../../src/organizations/api-keys.js';
import { schema } from '../../src/schema.js';

type Scopes = Record<string, unknown>;
const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((r) => r !== null && r !== undefined);
const fields = roots.flatMap((root) =>
  Object.values(root.getFields()).map((f) => ({
    name: `${root.name}.${f.name}`,
    scopes: (f.extensions as { pothosOptions?: { authScopes?: Scopes } }).pothosOptions?.authScopes,
  })),
);

describe('authorization rules on the schema', () => {
  it('walks all three root types', () => {
    expect(roots.map((r) => r.name)).toEqual(['Query', 'Mutation', 'Subscription']);
    expect(fields.length).toBeGreaterThan(50);
  });

  it('every root field declares authScopes', () => {
    const missing = fields.filter((f) => !f.scopes || (typeof f.scopes === 'object' && Object.keys(f.scopes).length === 0)).map((f) => f.name);
    expect(missing, 'root fields without authScopes').toEqual([]);
  });

  it('only viewer, and redeeming a staff invitation (the one-time token is the proof), are public', () => {
    expect(fields.filter((f) => typeof f.scopes === 'object' && f.scopes.public).map((f) => f.name)).toEqual([
      'Query.viewer',
      'Mutation.acceptOperatorInvitation',
    ]);
  });

  it('no mutation is open to read-only operators (analysts): operator is for reads only', () => {
    const open = fields.filter((f) => f.name.startsWith('Mutation.') && typeof f.scopes === 'object' && f.scopes.operator).map((f) => f.name);
    expect(open).toEqual([]);
  });

  it('every partner scope a field asks for is one an API key can be given', () => {
    const used = new Set(
      fields.map((f) => (typeof f.scopes === 'object' ? f.scopes.partner : undefined)).filter((s): s is string => typeof s === 'string'),
    );
    expect([...used].filter((s) => !(PARTNER_SCOPES as readonly string[]).includes(s))).toEqual([]);
    expect(used.size).toBeGreaterThan(0);
  });
});
