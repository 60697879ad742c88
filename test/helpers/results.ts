// Narrowing typed results: a mutation answers `…Success | DomainError` (a union the typed documents
// spell out), and a test that has just asserted which one it got reads that variant's fields.
import { expect } from 'vitest';

/** `value` as its `typename` variant; fails the test (showing the value) if it is another. */
export function variant<T extends { __typename?: string }, N extends NonNullable<T['__typename']>>(
  value: T | null | undefined,
  typename: N,
): Extract<T, { __typename?: N }> {
  expect(value?.__typename, JSON.stringify(value)).toBe(typename);
  return value as Extract<T, { __typename?: N }>;
}

/** `value`, failing the test if it is null or undefined (a nullable field the test expects present). */
export function present<T>(value: T | null | undefined): T {
  expect(value).toBeDefined();
  expect(value).not.toBeNull();
  return value as T;
}
