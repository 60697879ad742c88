// Rule-based tags (see tag-rules.ts): operators define, delete and apply them.
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { range, text } from '../core/input-rules.js';
import { applyTagRulesToAll, createTagRule, deleteTagRule, type TagRuleRun } from './tag-rules.js';
import { TagRuleRef } from './types.js';

const CreateTagRuleInput = builder.inputType('CreateTagRuleInput', {
  description: 'A tag rule: fans who meet every condition given (at least one) get the tag.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Unique name of the rule.', ...text(1, 80) }),
    tagName: t.string({ required: true, description: 'The tag to give, created if the organization has none of that name.', ...text(1, 40) }),
    boughtCategory: t.string({
      required: false,
      description: 'Bought this product category (an order line {"category": …} of a paid order; case-insensitive).',
      ...text(1, 40),
    }),
    minSpendCents: t.int({ required: false, description: 'Total spend of at least this many cents.', ...range(0, 1_000_000_000) }),
    minOrders: t.int({ required: false, description: 'At least this many orders.', ...range(0, 100_000) }),
    skinType: t.string({ required: false, description: 'This skin type, e.g. "dry skin" (case-insensitive).', ...text(1, 40) }),
    region: t.string({ required: false, description: 'This region, e.g. "Hangzhou".', ...text(1, 40) }),
  }),
});

const TagRuleRunRef = builder.objectRef<TagRuleRun>('TagRuleRun').implement({
  description: 'What applying the tag rules changed.',
  fields: (t) => ({
    tagged: t.exposeInt('tagged', { description: 'Rule tags given to fans who newly match.' }),
    untagged: t.exposeInt('untagged', { description: 'Rule tags taken off fans who no longer match (or whose rules were deleted).' }),
  }),
});

builder.mutationFields((t) => ({
  createTagRule: t.field({
    type: TagRuleRef,
    nullable: false,
    errors: refusals('CONFLICT'),
    description:
      'Define a tag rule. It applies from the next import of the fans it concerns, or to everyone at once with `applyTagRules`. VALIDATION without any condition; CONFLICT for a taken name.',
    authScopes: { operatorWrite: true },
    args: { input: t.arg({ type: CreateTagRuleInput, required: true, description: 'Name, tag and conditions.' }) },
    resolve: (_root, { input }, ctx) => createTagRule(ctx.db, orgOf(ctx.viewer), input),
  }),
  deleteTagRule: t.field({
    type: TagRuleRef,
    nullable: false,
    errors: refusals('NOT_FOUND'),
    description: 'Delete a tag rule. The tags it gave stay until the next `applyTagRules` takes them off (unless another rule of that tag matches).',
    authScopes: { operatorWrite: true },
    args: { ruleId: t.arg.globalID({ for: TagRuleRef, required: true, description: 'The rule.' }) },
    resolve: (_root, { ruleId }, ctx) => deleteTagRule(ctx.db, orgOf(ctx.viewer), ruleId.id),
  }),
  applyTagRules: t.field({
    type: TagRuleRunRef,
    errors: refusals(),
    description:
      'Apply every tag rule to every fan now: fans who match get the rule tags (source RULE), fans who no longer match lose them; operator and self tags are never touched. Safe to run twice or in parallel.',
    authScopes: { operatorWrite: true },
    resolve: (_root, _args, ctx) => applyTagRulesToAll(ctx.db, orgOf(ctx.viewer)),
  }),
}));
