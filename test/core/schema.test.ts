// The printed schema is the frontend teams' documentation: it must be current and fully described.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { schemaFile, sortedSchema } from '../../src/schema.js';
import { makeTempDir, removeTempDir } from '../helpers/temp.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (refresh with `npm run schema:print`)', () => {
    const committed = readFileSync(schemaFile, 'utf8');
    expect(committed, 'schema/schema.graphql drifted: run `npm run schema:print`').toBe(`${printSchema(sortedSchema())}\n`);
  });

  it('`npm run schema:check` fails on a stale file and names the command that refreshes it', async () => {
    const dir = makeTempDir('schema');
    try {
      const stale = path.join(dir, 'schema.graphql');
      writeFileSync(stale, readFileSync(schemaFile, 'utf8').replace('A fan group', 'A stale description of a fan group'));
      const err: string[] = [];
      const io = { out: () => {}, err: (l: string) => void err.push(l) };
      expect(await runCli(['print-schema', '--check', '--file', stale], io)).toBe(1);
      expect(err.join('\n')).toContain('npm run schema:print');
      expect(await runCli(['print-schema', '--check'], io), err.join('\n')).toBe(0);
    } finally {
      removeTempDir(dir);
    }
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(sortedSchema().getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
    expect(missing).toEqual([]);
  });
});
