// Assistants' personas and the groups they serve. An assistant appears in groups under a persona (a name
// such as "Assistant Jujube" and an https avatar); the groups they serve are the CommunityAssistant rows,
// which also decide whose applications they may approve (applications.ts). Setting the groups replaces
// them; a deactivated operator cannot be given a persona or groups.
import type { Db } from '../core/db.js';
import { DomainError, invalid, notFound } from '../core/errors.js';
import type { Operator } from '../generated/prisma/client.js';

/** An https URL with a host, or a VALIDATION refusal naming the field. */
export function checkAvatarUrl(value: string, field = 'input.avatarUrl'): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid(field, `${field}: must be an https URL`);
  }
  if (url.protocol !== 'https:' || !url.hostname || url.username || url.password)
    throw invalid(field, `${field}: must be an https URL without credentials`);
  return url.toString();
}

export async function setAssistantPersona(
  db: Db,
  orgId: string,
  input: { operatorId: string; persona: string; avatarUrl?: string | null; communityIds?: string[] | null },
): Promise<Operator> {
  const persona = input.persona.trim();
  if (!persona) throw invalid('input.persona', 'input.persona: must not be blank');
  const avatarUrl = input.avatarUrl == null ? null : checkAvatarUrl(input.avatarUrl);
  return db.$transaction(async (tx) => {
    const operator = await tx.operator.findFirst({ where: { id: input.operatorId, orgId } });
    if (!operator) throw notFound('Operator', 'input.operatorId');
    if (operator.deactivatedAt) throw new DomainError('INVALID_STATE', 'This operator is deactivated', 'input.operatorId');
    if (input.communityIds) {
      const ids = [...new Set(input.communityIds)];
      const found = new Set((await tx.community.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } })).map((c) => c.id));
      const missing = input.communityIds.findIndex((id) => !found.has(id));
      if (missing >= 0) throw notFound('Community', `input.communityIds.${missing}`);
      await tx.communityAssistant.deleteMany({ where: { operatorId: operator.id, community: { orgId } } });
      await tx.communityAssistant.createMany({ data: ids.map((communityId) => ({ communityId, operatorId: operator.id })) });
    }
    return tx.operator.update({ where: { id: operator.id }, data: { persona, avatarUrl } });
  });
}
