// Assembles the schema from every domain module. Modules register their types on import.
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema } from 'graphql';
import { builder } from './core/builder.js';
import { describeRelayPlumbing } from './core/describe.js';
import './core/error-types.js';
import './organizations/schema.js';
import './fans/schema.js';
import './fans/mutations.js';
import './communities/schema.js';
import './communities/mutations.js';
import './communities/feed.js';
import './checkins/schema.js';
import './campaigns/schema.js';
import './campaigns/mutations.js';
import './live/schema.js';
import './live/mutations.js';
import './orders/schema.js';
import './orders/mutations.js';
import './points/schema.js';
import './points/mutations.js';
import './insights/groups/queries.js';
import './insights/koc/queries.js';
import './insights/live/subscriptions.js';
import './insights/rfm/types.js';
import './insights/rfm/queries.js';
import './insights/cohorts/queries.js';
import './insights/results/queries.js';

export const schema = describeRelayPlumbing(builder.toSchema({ sortSchema: false }));
export const sortedSchema = () => lexicographicSortSchema(schema);

/** Where the printed schema is committed. */
export const schemaFile = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
