import { applyD1Migrations, env } from 'cloudflare:test';

// Setup files run before each test file; applyD1Migrations only applies what is not applied yet.
// Every data database gets the same migrations (README "Several D1 databases").
await Promise.all([env.DB, env.DB_2, env.DB_3].map((db) => applyD1Migrations(db!, env.TEST_MIGRATIONS)));
