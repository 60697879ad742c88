// Turns a request's credential into a Viewer. Until signed tokens arrive (partners-and-security issue),
// a development credential selects an organization by slug — only when DEV_AUTH is on:
//   Authorization: Dev <org-slug>                   → that organization's first OWNER
//   Authorization: Dev <org-slug>/<operator-email>  → that operator
//   Authorization: Dev <org-slug>/fan:<externalId>  → that fan
import type { Db } from './db.js';
import { anonymous, type Viewer } from './context.js';
import { DomainError } from './errors.js';

export async function viewerFromCredential(db: Db, authorization: string | null | undefined, devAuth: boolean): Promise<Viewer> {
  if (!authorization) return anonymous;
  const [scheme, ...rest] = authorization.trim().split(/\s+/);
  const value = rest.join(' ');
  if (scheme?.toLowerCase() === 'dev') {
    if (!devAuth) throw new DomainError('UNAUTHENTICATED', 'Development credentials are disabled on this server');
    return devViewer(db, value);
  }
  throw new DomainError('UNAUTHENTICATED', `Unsupported authorization scheme "${scheme}"`);
}

async function devViewer(db: Db, value: string): Promise<Viewer> {
  const [slug, who] = value.split('/', 2);
  const org = slug ? await db.organization.findUnique({ where: { slug }, select: { id: true } }) : null;
  if (!org) throw new DomainError('UNAUTHENTICATED', `No organization with slug "${slug ?? ''}"`);
  if (who?.startsWith('fan:')) {
    const fan = await db.fan.findUnique({ where: { orgId_externalId: { orgId: org.id, externalId: who.slice(4) } }, select: { id: true } });
    if (!fan) throw new DomainError('UNAUTHENTICATED', `No fan "${who.slice(4)}" in "${slug}"`);
    return { kind: 'fan', orgId: org.id, fanId: fan.id };
  }
  const operator = await db.operator.findFirst({
    where: who ? { orgId: org.id, email: who } : { orgId: org.id, role: 'OWNER' },
    orderBy: { createdAt: 'asc' },
    select: { id: true, role: true },
  });
  if (!operator) throw new DomainError('UNAUTHENTICATED', who ? `No operator "${who}" in "${slug}"` : `"${slug}" has no owner`);
  return { kind: 'operator', orgId: org.id, operatorId: operator.id, role: operator.role };
}
