// The result-size estimate is kept per document and operation when it reads no variable, so the same
// operation sent again is not walked again; page sizes or ids from variables are estimated every time.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateResultNodes } from '../../src/core/result-size.js';
import { schema } from '../../src/schema.js';

describe('estimateResultNodes', () => {
  it('gives the same estimate for a document it has seen, with any variables that do not size anything', () => {
    const doc = parse(`mutation($i: SendLikesInput!) { sendLikes(input: $i) { __typename } }`);
    const first = estimateResultNodes(schema, doc, undefined, { i: { taps: 1 } });
    expect(estimateResultNodes(schema, doc, undefined, { i: { taps: 2 } })).toBe(first);
    const literal = parse(`{ fans(first: 50) { nodes { memberships(first: 10) { nodes { id } } } } }`);
    // 1 connection + 50 × (1 fan + 1 connection + 10 memberships).
    expect(estimateResultNodes(schema, literal)).toBe(1 + 50 * 12);
    expect(estimateResultNodes(schema, literal)).toBe(1 + 50 * 12);
  });

  it('estimates again when page sizes or ids come from variables', () => {
    const doc = parse(`query($n: Int, $m: Int) { fans(first: $n) { nodes { memberships(first: $m) { nodes { id } } } } }`);
    expect(estimateResultNodes(schema, doc, undefined, { n: 50, m: 10 })).toBe(1 + 50 * 12);
    expect(estimateResultNodes(schema, doc, undefined, { n: 100, m: 100 })).toBe(1 + 100 * 102);
    expect(estimateResultNodes(schema, doc, undefined, { n: 2, m: 1 })).toBe(1 + 2 * 3);
    const byIds = parse(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`);
    expect(estimateResultNodes(schema, byIds, undefined, { ids: ['a', 'b'] })).toBe(2);
    expect(estimateResultNodes(schema, byIds, undefined, { ids: ['a', 'b', 'c', 'd', 'e'] })).toBe(5);
  });

  it('keeps estimates apart by operation name', () => {
    const doc = parse(`query Small { fans(first: 1) { nodes { id } } } query Big { fans(first: 100) { nodes { id } } }`);
    expect(estimateResultNodes(schema, doc, 'Small')).toBe(2);
    expect(estimateResultNodes(schema, doc, 'Big')).toBe(101);
    expect(estimateResultNodes(schema, doc, 'Small')).toBe(2);
  });
});
