// Who a fan-facing action is for. A fan acts only for themself; an operator (or partner) names the fan.
import type { Viewer } from './context.js';
import { DomainError } from './errors.js';

export function actingFanId(viewer: Viewer, requested: string | null | undefined, field = 'input.fanId'): string {
  if (viewer.kind === 'fan') {
    if (requested && requested !== viewer.fanId) throw new DomainError('FORBIDDEN', 'A fan can only act for themself', field);
    return viewer.fanId;
  }
  if (!requested) throw new DomainError('VALIDATION', `${field}: required when acting for a fan`, field);
  return requested;
}

/** The organization of a signed-in caller; anonymous callers never reach a service. */
export function orgOf(viewer: Viewer): string {
  if (!viewer.orgId) throw new DomainError('UNAUTHENTICATED', 'Sign in first');
  return viewer.orgId;
}

export function operatorIdOf(viewer: Viewer): string | null {
  return viewer.kind === 'operator' ? viewer.operatorId : null;
}

/**
 * Type-level rule for rows that belong to one fan (orders, memberships, reservations, ledger lines…):
 * a fan sees only their own, wherever the row is reached from; other callers as the fields allow.
 */
export function ownFanRow(row: { fanId: string }, ctx: { viewer: Viewer }): boolean {
  return ctx.viewer.kind !== 'fan' || row.fanId === ctx.viewer.fanId;
}
