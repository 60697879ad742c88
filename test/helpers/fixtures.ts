// Shared fixtures: the demo organization (small) and a rival tenant, seeded through the same code
// `npm run seed` uses, so tests read the data shapes operators will see.
import { seedDemo } from '../../src/demo/seed.js';
import type { TestApp } from './app.js';

export const NOW = new Date('2026-11-20T04:00:00Z');

export async function seedTwoTenants(t: TestApp, fans = 60) {
  const demo = await seedDemo(t.database.prisma, { slug: 'demo', fans, now: NOW });
  const rival = await seedDemo(t.database.prisma, { slug: 'rival', name: 'Rival Live', fans: 20, now: NOW });
  return { demoOrgId: demo.orgId, rivalOrgId: rival.orgId };
}
