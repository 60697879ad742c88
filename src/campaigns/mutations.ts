// Mutations of this domain are registered here (see src/points/mutations.ts for the pattern).
export {};
import './lifecycle/mutations.js';
import './fission/mutations.js';
import './coupons/mutations.js';
