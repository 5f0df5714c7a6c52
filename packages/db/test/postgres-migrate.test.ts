import fs from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore, type Store } from "../src/index";
import { createTestDatabase } from "./postgres-harness";

/** Every migration in the journal, each applied exactly once. */
const MIGRATIONS = (
  JSON.parse(fs.readFileSync(new URL("../migrations/postgres/meta/_journal.json", import.meta.url), "utf8")) as {
    entries: unknown[];
  }
).entries.length;

describe("PostgreSQL start-up migrations", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase("scryon_migrate");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("replicas starting at once migrate one after the other, each migration applied once", async () => {
    const stores: Store[] = await Promise.all(
      Array.from({ length: 6 }, () => openPostgresStore({ url: database.url, maxConnections: 2 })),
    );
    try {
      const user = await stores[0]!.users.findOrCreate({ authUid: "u", email: null, displayName: null });
      expect(await stores[5]!.users.get(user.id)).toEqual(user);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM "drizzle"."__drizzle_migrations"');
      expect(Number(rows[0]!.count)).toBe(MIGRATIONS);
      expect(MIGRATIONS).toBeGreaterThanOrEqual(3);
    } finally {
      await client.end();
    }
  });

  it("a restart against a migrated database changes nothing", async () => {
    const store = await openPostgresStore({ url: database.url });
    expect((await store.users.findOrCreate({ authUid: "u", email: null, displayName: null })).authUid).toBe("u");
    await store.close();
  });
});
