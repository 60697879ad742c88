// SHA-256 as lowercase hex: API key secrets, persisted-query hashes, batch fingerprints, migration checksums.
import { createHash } from 'node:crypto';

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
