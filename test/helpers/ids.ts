// Global ids as the API issues them, for tests that create or read rows directly: the API's own
// encoding (Pothos' relay plugin), so tests never decode by hand.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';

/** The global id of row `id` of `type`, as the API returns it in `id` fields. */
export const gid = (type: string, id: string) => encodeGlobalID(type, id);

/** The type and row id a global id names. */
export const decodeGlobalId = (globalId: string): { typename: string; id: string } => decodeGlobalID(globalId);

/** The row id a global id names (for reading the row with Prisma). */
export const rawId = (globalId: string) => decodeGlobalID(globalId).id;
