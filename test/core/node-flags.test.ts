// The server's V8 flags are listed once (src/core/node-flags.ts); the npm scripts that start it must
// pass the same ones, or production would run without what the benchmarks measured.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../src/core/node-flags.js';

const scripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;

describe('server node flags', () => {
  for (const name of ['start', 'start:prod'])
    it(`npm run ${name} passes ${SERVER_NODE_FLAGS.join(' ')}`, () => {
      const node = /exec node (.*)$/.exec(scripts[name])?.[1].split(' ') ?? [];
      for (const flag of SERVER_NODE_FLAGS) expect(node).toContain(flag);
    });
});
