// Assistants: the persona fans see in groups and the groups an assistant serves (see assistants.ts).
import { orgOf } from '../core/acting.js';
import { builder } from '../core/builder.js';
import { refusals } from '../core/error-types.js';
import { text } from '../core/input-rules.js';
import { OperatorRef } from '../organizations/types.js';
import { setAssistantPersona } from './assistants.js';
import { CommunityRef } from './types.js';

const SetAssistantPersonaInput = builder.inputType('SetAssistantPersonaInput', {
  description: "An assistant's persona and the groups they serve.",
  fields: (t) => ({
    operatorId: t.globalID({ for: OperatorRef, required: true, description: 'The (active) operator.' }),
    persona: t.string({ required: true, description: 'The name fans see in groups, e.g. "Assistant Jujube".', ...text(1, 40) }),
    avatarUrl: t.string({ required: false, description: 'Their picture: an https URL (no credentials); omit or null for none.', ...text(9, 500) }),
    communityIds: t.globalIDList({
      for: CommunityRef,
      required: false,
      description: "The groups they serve, replacing the current ones ([] for none); omit to keep them. They decide those groups' applications.",
      extensions: { maxItems: 100 },
    }),
  }),
});

builder.mutationFields((t) => ({
  setAssistantPersona: t.field({
    type: OperatorRef,
    nullable: false,
    errors: refusals('INVALID_STATE', 'NOT_FOUND'),
    description:
      "Set an assistant's persona (name and https avatar) and the groups they serve (owners and admins). VALIDATION for an avatar that is not https; INVALID_STATE for a deactivated operator.",
    authScopes: { operatorAdmin: true },
    args: { input: t.arg({ type: SetAssistantPersonaInput, required: true, description: 'Operator, persona, avatar and groups.' }) },
    resolve: (_root, { input }, ctx) =>
      setAssistantPersona(ctx.db, orgOf(ctx.viewer), {
        operatorId: input.operatorId.id,
        persona: input.persona,
        avatarUrl: input.avatarUrl,
        communityIds: input.communityIds?.map((c) => c.id),
      }),
  }),
}));

builder.prismaObjectFields(OperatorRef, (t) => ({
  serves: t.field({
    type: [CommunityRef],
    description: 'The groups this operator serves as an assistant, by name.',
    select: (_args, _ctx, nested) => ({ assistantOf: { include: { community: nested() }, orderBy: { community: { name: 'asc' } } } }),
    resolve: (o) => o.assistantOf.map((a) => a.community),
  }),
}));
