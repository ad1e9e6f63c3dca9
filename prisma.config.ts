import { defineConfig } from 'prisma/config';

// Prisma 7 reads the datasource URL from here, not from schema.prisma. It is optional so that `prisma generate`
// works without a database; the product applies migrations itself (apps/api/src/db/migrate.ts) because Prisma 7's
// schema engine cannot be downloaded on our machines.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
});
