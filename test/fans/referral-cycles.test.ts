// Referral cycles are refused on import: A referred by B while B is referred by A (or a longer loop),
// whether the loop lies inside one batch or closes over referrals already stored. Nothing is written.
import { describe, expect } from 'vitest';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 3 });

const IMPORT = /* GraphQL */ `
  mutation ImportCycle($input: ImportFansInput!) {
    importFans(input: $input) { __typename ... on MutationImportFansSuccess { data { created updated unchanged } } ... on Error { code message field } }
  }
`;
type Row = { externalId: string; displayName: string; referredByExternalId?: string };
const importFans = (t: SeededTestApp, fans: Row[]) => t.ok(IMPORT, { input: { fans } }).then((r) => r.importFans);
const row = (externalId: string, referredByExternalId?: string): Row => ({ externalId, displayName: `Fan ${externalId}`, referredByExternalId });
const snapshot = (t: SeededTestApp) => t.database.prisma.fan.findMany({ where: { orgId: t.orgId }, orderBy: { id: 'asc' } });
const referrerOf = async (t: SeededTestApp, externalId: string) =>
  (await t.database.prisma.fan.findUniqueOrThrow({ where: { orgId_externalId: { orgId: t.orgId, externalId } }, include: { referredBy: true } }))
    .referredBy?.externalId ?? null;

describe('referral cycles on import', () => {
  it('refuses A referred by B and B by A in one batch, naming both rows; nothing is written', async ({ t }) => {
    const before = await snapshot(t);
    const res = await importFans(t, [row('cyc-a', 'cyc-b'), row('cyc-b', 'cyc-a'), row('cyc-c')]);
    expect(res).toMatchObject({ code: 'VALIDATION', field: 'input.fans.0.referredByExternalId' });
    expect(res.message).toContain('input.fans.0.referredByExternalId: closes a referral cycle (cyc-a referred by cyc-b referred by cyc-a)');
    expect(res.message).toContain('input.fans.1.referredByExternalId');
    expect(await snapshot(t)).toEqual(before);
  });

  it('refuses a longer loop closing over stored referrals (C→B→A stored, then A referred by C); the stored chain stays', async ({ t }) => {
    expect(await importFans(t, [row('loop-a'), row('loop-b', 'loop-a'), row('loop-c', 'loop-b')])).toMatchObject({ data: { created: 3 } });
    const before = await snapshot(t);
    const res = await importFans(t, [row('loop-a', 'loop-c')]);
    expect(res).toMatchObject({ code: 'VALIDATION', field: 'input.fans.0.referredByExternalId' });
    expect(res.message).toContain('loop-a referred by loop-c referred by loop-b referred by loop-a');
    expect(await snapshot(t)).toEqual(before);
    expect(await referrerOf(t, 'loop-a')).toBeNull();
  });

  it('accepts chains and re-pointing that close no loop (B re-referred from A to D while A is referred by B is refused, D is fine)', async ({
    t,
  }) => {
    await importFans(t, [row('ok-a'), row('ok-b', 'ok-a'), row('ok-d')]);
    // Moving the loop's edge in the same batch breaks it: A referred by B is fine once B is referred by D.
    expect(await importFans(t, [row('ok-b', 'ok-d'), row('ok-a', 'ok-b')])).toMatchObject({ data: { updated: 2 } });
    expect([await referrerOf(t, 'ok-a'), await referrerOf(t, 'ok-b')]).toEqual(['ok-b', 'ok-d']);
    // D referred by A would close D ← B ← A ← D.
    expect(await importFans(t, [row('ok-d', 'ok-a')])).toMatchObject({ code: 'VALIDATION' });
    expect(await referrerOf(t, 'ok-d')).toBeNull();
  });

  it('two parallel batches each holding one half of a cycle: at most one is written, no cycle is stored', async ({ t }) => {
    await importFans(t, [row('par-a'), row('par-b')]);
    const [x, y] = await Promise.all([importFans(t, [row('par-a', 'par-b')]), importFans(t, [row('par-b', 'par-a')])]);
    expect([x.__typename, y.__typename].filter((n) => n === 'MutationImportFansSuccess')).toHaveLength(1);
    const refs = [await referrerOf(t, 'par-a'), await referrerOf(t, 'par-b')];
    expect(refs.filter(Boolean)).toHaveLength(1);
  });
});
