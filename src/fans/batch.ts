// Batch input (imports): every row is checked before anything is written (shapes and bounds by the
// schema's input rules, the rest — repeated keys, unknown references — here). A bad row refuses the
// whole batch with VALIDATION; `field` names the first bad row ("input.fans.3.externalId") and the
// message lists up to five, so a partner fixes a file in one round trip.
import { DomainError } from '../core/errors.js';

export function batchError(
  problems: { field: string; message: string }[],
  code: 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' = 'VALIDATION',
): DomainError {
  const listed = problems
    .slice(0, 5)
    .map((p) => `${p.field}: ${p.message}`)
    .join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  const prefix = problems.length > 1 ? `${problems.length} problems, nothing imported: ` : '';
  return new DomainError(code, `${prefix}${listed}${more}`, problems[0].field);
}

/** Rows whose key repeats an earlier row's, as problems naming the later row. */
export function duplicateKeys(keys: string[], field: (i: number) => string): { field: string; message: string }[] {
  const seen = new Map<string, number>();
  const problems: { field: string; message: string }[] = [];
  keys.forEach((k, i) => {
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else problems.push({ field: field(i), message: `repeats row ${first} ("${k}")` });
  });
  return problems;
}
