// Rule-based tags through the API: rules over purchase history and profile tag fans on import and on
// demand (and take the tag off fans who no longer match, never an operator's or a fan's own tag),
// parallel runs are harmless, and "which groups fit this fan" routes by thresholds, category and seats.
import { describe, expect } from 'vitest';
import { graphql } from '../generated/index.js';
import { gid, rawId } from '../helpers/ids.js';
import { type SeededTestApp, useTestApp } from '../helpers/test-app.js';

const it = useTestApp({ fans: 5 });

const CREATE_RULE = graphql(`mutation RuleCreate($input: CreateTagRuleInput!) { createTagRule(input: $input) {
  __typename ... on MutationCreateTagRuleSuccess { data { id name tag { name } } } ... on Error { code field } } }`);
const DELETE_RULE = graphql(`mutation RuleDelete($id: ID!) { deleteTagRule(ruleId: $id) { __typename ... on Error { code } } }`);
const APPLY = graphql(
  `mutation RuleApply { applyTagRules { ... on MutationApplyTagRulesSuccess { data { tagged untagged } } ... on Error { code } } }`,
);
const IMPORT_FANS = graphql(
  `mutation RuleImportFans($input: ImportFansInput!) { importFans(input: $input) { __typename ... on Error { code field } } }`,
);
const IMPORT_ORDERS = graphql(`mutation RuleImportOrders($input: ImportOrdersInput!) { importOrders(input: $input) {
  __typename ... on Error { code field } } }`);
const FITS = graphql(`query RuleFits($fanId: ID!) { groupsForFan(fanId: $fanId) { name kind category } }`);
const RULES = graphql(`query RuleList { tagRules { name minSpendCents boughtCategory tag { name } } }`);

let seq = 0;
const placedAt = new Date(Date.now() - 3_600_000).toISOString();

/** Tag names (with source) of a fan by external id. */
async function tagsOf(t: SeededTestApp, externalId: string, orgId = t.orgId) {
  const fan = await t.database.prisma.fan.findFirstOrThrow({ where: { orgId, externalId }, include: { tags: { include: { tag: true } } } });
  return fan.tags.map((ft) => `${ft.tag.name}:${ft.source}`).sort();
}
async function importFan(t: SeededTestApp, displayName: string) {
  const externalId = `rule-${++seq}`;
  expect((await t.ok(IMPORT_FANS, { input: { fans: [{ externalId, displayName }] } })).importFans.__typename).toBe('MutationImportFansSuccess');
  return externalId;
}
async function order(t: SeededTestApp, fanExternalId: string, amountCents: number, category?: string) {
  const items = category ? [{ sku: `sku-${seq}`, category }] : undefined;
  const res = await t.ok(IMPORT_ORDERS, { input: { orders: [{ externalId: `rule-o${++seq}`, fanExternalId, amountCents, placedAt, items }] } });
  expect(res.importOrders.__typename).toBe('MutationImportOrdersSuccess');
}
async function rule(t: SeededTestApp, input: Record<string, unknown>) {
  const res = await t.ok(CREATE_RULE, { input: { name: `rule ${++seq}`, ...input } as never });
  return (res.createTagRule as { data: { id: string } }).data.id;
}

describe('tag rules', () => {
  it('tag fans on import by category bought, spend and skin type; on demand they follow the facts both ways', async ({ t }) => {
    await rule(t, { tagName: 'tea buyer', boughtCategory: 'Tea' });
    await rule(t, { tagName: 'big dry-skin spender', minSpendCents: 50_000, skinType: 'Dry skin' });
    const ning = await importFan(t, 'Hangzhou-dry skin·Ning');
    const bo = await importFan(t, 'Chengdu-oily skin·Bo');
    expect(await tagsOf(t, ning)).toEqual(['Hangzhou:SELF', 'dry skin:SELF']);

    await order(t, ning, 30_000, 'tea'); // category matches case-insensitively
    expect(await tagsOf(t, ning)).toContain('tea buyer:RULE');
    expect(await tagsOf(t, ning)).not.toContain('big dry-skin spender:RULE');
    await order(t, ning, 25_000);
    expect(await tagsOf(t, ning)).toContain('big dry-skin spender:RULE');
    await order(t, bo, 90_000, 'Skincare'); // oily skin, another category: neither
    expect((await tagsOf(t, bo)).filter((s) => s.endsWith(':RULE'))).toEqual([]);

    // An operator's own tag of the same name is never taken off by a rule.
    await t.ok(`mutation($f: [ID!]!) { tagFans(input: { fanIds: $f, tagName: "tea buyer" }) { __typename } }`, {
      f: [gid('Fan', (await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId, externalId: bo } })).id)],
    });
    // Refunds lower spend outside an import: applyTagRules takes the spender tag off.
    const big = await t.database.prisma.order.findFirstOrThrow({ where: { orgId: t.orgId, fan: { externalId: ning }, amountCents: 25_000 } });
    await t.ok(`mutation($o: ID!) { refundOrder(input: { orderId: $o }) { __typename } }`, { o: gid('Order', big.id) });
    const run = await t.ok(APPLY);
    expect(run.applyTagRules).toMatchObject({ data: { untagged: 1 } });
    expect(await tagsOf(t, ning)).toEqual(['Hangzhou:SELF', 'dry skin:SELF', 'tea buyer:RULE']);
    expect(await tagsOf(t, bo)).toContain('tea buyer:OPERATOR');
    // Idempotent: a second run changes nothing.
    expect((await t.ok(APPLY)).applyTagRules).toEqual({ data: { tagged: 0, untagged: 0 } });
  });

  it('deleting a rule lets the next run take its tags off; parallel runs give each tag once', async ({ t }) => {
    const id = await rule(t, { tagName: 'two orders', minOrders: 2 });
    const fans = [];
    for (let i = 0; i < 4; i++) fans.push(await importFan(t, `Fan ${i}`));
    for (const f of fans) await t.database.prisma.fan.updateMany({ where: { orgId: t.orgId, externalId: f }, data: { orderCount: 2 } });
    const runs = await Promise.all(Array.from({ length: 5 }, () => t.ok(APPLY)));
    const tagged = runs.reduce((n, r) => n + (r.applyTagRules as { data: { tagged: number } }).data.tagged, 0);
    const count = await t.database.prisma.fanTag.count({ where: { orgId: t.orgId, source: 'RULE', tag: { name: 'two orders' } } });
    expect(count).toBeGreaterThanOrEqual(4);
    expect(tagged).toBe(count); // each fan tagged exactly once across the racing runs
    expect((await t.ok(DELETE_RULE, { id })).deleteTagRule.__typename).toBe('MutationDeleteTagRuleSuccess');
    await t.ok(APPLY);
    expect(await t.database.prisma.fanTag.count({ where: { orgId: t.orgId, source: 'RULE', tag: { name: 'two orders' } } })).toBe(0);
  });

  it('refuses a rule without conditions or with a taken name, creating nothing; rules are per organization', async ({ t }) => {
    const before = await t.database.prisma.tagRule.count();
    expect((await t.ok(CREATE_RULE, { input: { name: 'empty', tagName: 'x' } })).createTagRule).toMatchObject({ code: 'VALIDATION', field: 'input' });
    await rule(t, { name: 'unique rule', tagName: 'vip', minSpendCents: 100_000 });
    const dup = await t.ok(CREATE_RULE, { input: { name: 'unique rule', tagName: 'vip', minOrders: 1 } });
    expect(dup.createTagRule).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(await t.database.prisma.tagRule.count()).toBe(before + 1);
    expect((await t.ok(RULES, {}, 'Dev rival')).tagRules).toEqual([]);
    const mine = await t.database.prisma.tagRule.findFirstOrThrow({ where: { orgId: t.orgId, name: 'unique rule' } });
    expect((await t.ok(DELETE_RULE, { id: gid('TagRule', mine.id) }, 'Dev rival')).deleteTagRule).toMatchObject({ code: 'NOT_FOUND' });
    // A rival's run never tags the demo organization's fans.
    await t.ok(APPLY, {}, 'Dev rival');
    expect(await t.database.prisma.fanTag.count({ where: { orgId: t.rivalOrgId, source: 'RULE' } })).toBe(0);
  });
});

describe('groups for a fan', () => {
  it('routes by thresholds, bought category, KOC kind and free seats, category first; not for other tenants', async ({ t }) => {
    const make = (input: Record<string, unknown>) =>
      t.ok(`mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { ... on MutationCreateCommunitySuccess { data { id } } } }`, {
        i: { capacity: 20, ...input },
      });
    await make({ name: 'Fit Tea', kind: 'VERTICAL', category: 'Tea', minOrders: 2 });
    await make({ name: 'Fit Liquor', kind: 'VERTICAL', category: 'Liquor' });
    await make({ name: 'Fit Big', kind: 'SMALL', capacity: 30 });
    await make({ name: 'Fit Picky', kind: 'SMALL', minIntimacy: 1_000 });
    await make({ name: 'Fit KOC', kind: 'KOC' });
    const full = await make({ name: 'Fit Full', kind: 'SMALL', capacity: 1 });
    await t.database.prisma.community.update({ where: { id: rawId(full.createCommunity.data.id) }, data: { memberCount: 1 } });
    const fan = await importFan(t, 'Fan fit');
    await order(t, fan, 1_000, 'Tea');
    await order(t, fan, 1_000);
    const fanId = gid('Fan', (await t.database.prisma.fan.findFirstOrThrow({ where: { orgId: t.orgId, externalId: fan } })).id);
    const names = (await t.ok(FITS, { fanId })).groupsForFan.map((g) => g.name).filter((n) => n.startsWith('Fit '));
    expect(names).toEqual(['Fit Tea', 'Fit Big']);
    expect((await t.gql(FITS, { fanId }, 'Dev rival')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(FITS, { fanId }, 'Dev demo/fan:u100000')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
