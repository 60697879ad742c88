// Assembles the schema from every domain module. Modules register their types on import.
import { lexicographicSortSchema } from 'graphql';
import { builder } from './core/builder.js';
import './organizations/schema.js';
import './fans/schema.js';
import './communities/schema.js';
import './campaigns/schema.js';
import './live/schema.js';
import './orders/schema.js';
import './points/schema.js';

export const schema = builder.toSchema({ sortSchema: false });
export const sortedSchema = () => lexicographicSortSchema(schema);
