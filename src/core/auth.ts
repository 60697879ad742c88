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

// One statement per request on the happy path: the organization is matched through the relation.
async function devViewer(db: Db, value: string): Promise<Viewer> {
  const [slug = '', who] = value.split('/', 2);
  if (who?.startsWith('fan:')) {
    const externalId = who.slice(4);
    const fan = await db.fan.findFirst({ where: { externalId, org: { slug } }, select: { id: true, orgId: true } });
    if (!fan) throw new DomainError('UNAUTHENTICATED', `No fan "${externalId}" in organization "${slug}"`);
    return { kind: 'fan', orgId: fan.orgId, fanId: fan.id };
  }
  const operator = await db.operator.findFirst({
    where: who ? { email: who, org: { slug } } : { role: 'OWNER', org: { slug } },
    orderBy: { createdAt: 'asc' },
    select: { id: true, role: true, orgId: true },
  });
  if (!operator) throw new DomainError('UNAUTHENTICATED', who ? `No operator "${who}" in organization "${slug}"` : `No organization "${slug}" with an owner`);
  return { kind: 'operator', orgId: operator.orgId, operatorId: operator.id, role: operator.role };
}
