// Mutations of this domain are registered here (see src/points/mutations.ts for the pattern).
export {};
import './like/mutations.js';
import './lottery/mutations.js';
