// The shape every module keeps, checked over the whole schema and source tree so a new file cannot
// quietly step out of it.
import { isInputObjectType, isObjectType, type GraphQLArgument, type GraphQLInputField } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema.js';

type IdExtensions = { isRelayGlobalID?: boolean; relayGlobalIDFor?: { typename: string }[] | null };

/** Every argument and input field of the schema, named "Type.field(arg)" / "Input.field". */
function inputs(): { name: string; input: GraphQLArgument | GraphQLInputField }[] {
  const all: { name: string; input: GraphQLArgument | GraphQLInputField }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type)) for (const f of Object.values(type.getFields())) for (const a of f.args) all.push({ name: `${type.name}.${f.name}(${a.name})`, input: a });
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
