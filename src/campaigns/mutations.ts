// Campaign mutations, one module per concern: creation and lifecycle, like campaigns, the member-day
// lottery, fission (referral) campaigns and coupons.
import './lifecycle/mutations.js';
import './like/mutations.js';
import './lottery/mutations.js';
import './fission/mutations.js';
import './coupons/mutations.js';
