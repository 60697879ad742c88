// Quiet hours: a daily window in the organization's time zone ("22:00"–"08:00", end exclusive, may cross
// midnight) in which non-crisis broadcasts are held until it ends (src/broadcasts/service.ts).
import type { Db } from '../core/db.js';
import { DomainError } from '../core/errors.js';
import { minutesOfDay } from '../core/local-time.js';
import type { Organization } from '../generated/prisma/client.js';

export async function setQuietHours(db: Db, orgId: string, hours: { start: string; end: string } | null): Promise<Organization> {
  if (hours) {
    for (const key of ['start', 'end'] as const)
      if (minutesOfDay(hours[key]) == null) throw new DomainError('VALIDATION', `input.${key}: must be a 24-hour time "HH:MM"`, `input.${key}`);
    if (hours.start === hours.end) throw new DomainError('VALIDATION', 'input.end: must differ from start', 'input.end');
  }
  return db.organization.update({ where: { id: orgId }, data: { quietHoursStart: hours?.start ?? null, quietHoursEnd: hours?.end ?? null } });
}
