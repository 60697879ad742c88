// useTestApp(): the preamble every API test used to copy (an app on a database of the file's own,
// seeded with the demo organization and a rival tenant, disposed at the end) as a vitest fixture.
// The app is built once per file, before its first test, and disposed after the file's last test; a
// test that runs alone (`-t`) still gets a seeded app. A file's own setup that needs the app goes in
// `it.beforeAll(async ({ t }) => …)`; module-level helpers take `t` as their first argument.
//
//   const it = useTestApp({ fans: 10 });
//   it('lists groups', async ({ t }) => { expect((await t.ok(`{ communities { totalCount } }`)) … });
import { test } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { seedTwoTenants } from './fixtures.js';

export interface SeededTestApp extends TestApp {
  /** The demo organization (`Dev demo`). */
  orgId: string;
  /** The rival tenant (`Dev rival`), for cross-tenant checks. */
  rivalOrgId: string;
}

export function useTestApp({ fans = 60, ...options }: { fans?: number } & Parameters<typeof createTestApp>[0] = {}) {
  const it = test.extend('t', { scope: 'file' }, async ({}, { onCleanup }): Promise<SeededTestApp> => {
    const app = await createTestApp(options);
    onCleanup(() => app.dispose());
    const { demoOrgId, rivalOrgId } = await seedTwoTenants(app, fans);
    return Object.assign(app, { orgId: demoOrgId, rivalOrgId });
  });
  // Built in a hook, so building and seeding run under hookTimeout rather than eating the first test's
  // testTimeout (on a loaded machine seeding alone can take most of a minute).
  it.beforeAll(async ({ t }) => void t);
  return it;
}
