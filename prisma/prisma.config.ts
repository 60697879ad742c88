// Prisma CLI configuration (passed with --config by prisma/cli.mjs). engine "js" runs Migrate in
// WebAssembly through a driver adapter, so no native engine is ever downloaded.
import path from 'node:path';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  migrations: { path: path.join(import.meta.dirname, 'migrations') },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    if (process.env.DATABASE_URL) {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PrismaPg({ connectionString: process.env.DATABASE_URL });
    }
    const { PGlite } = await import('@electric-sql/pglite');
    const { PrismaPGlite } = await import('pglite-prisma-adapter');
    // The adapter bundles its own copy of the driver-adapter types; they match at run time.
    return new PrismaPGlite(new PGlite()) as unknown as InstanceType<typeof import('@prisma/adapter-pg').PrismaPg>;
  },
});
