// HAProxy for the cluster tests: Debian's `haproxy` (.ci/run installs it when missing). Without it a
// fresh clone's `npm test` skips those tests with a printed reason, but CI (CI=true) and
// REQUIRE_HAPROXY=1 make its absence a failure, so a green CI run did go through a real balancer.
import { findHaproxy } from '../../src/cluster.js';

export const haproxyPath = findHaproxy();

export const haproxyRequired = process.env.CI === 'true' || process.env.REQUIRE_HAPROXY === '1';

export const MISSING_HAPROXY =
  'haproxy is not installed (apt-get install -y haproxy, or set HAPROXY_PATH): the cluster tests are skipped' +
  ' — they fail instead under CI=true or REQUIRE_HAPROXY=1';
