import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle as sqliteDrizzle } from "drizzle-orm/better-sqlite3";
import { migrate as sqliteMigrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as pgDrizzle } from "drizzle-orm/node-postgres";
import { migrate as pgMigrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgresStore, openSqliteStore, type Store } from "../src/index";
import { createTestDatabase } from "./postgres-harness";

/**
 * A database holding calls and action items from before the list's action summary moved onto the call row
 * (migration 0008) shows the same counts and first titles once the server that has it starts.
 */
const BEFORE = "0007_call_hints";

/** A copy of a dialect's migrations that ends at BEFORE. */
function migrationsUpTo(dialect: "sqlite" | "postgres", into: string): string {
  const source = new URL(`../migrations/${dialect}/`, import.meta.url).pathname;
  fs.cpSync(source, into, { recursive: true });
  const journalFile = path.join(into, "meta/_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: Array<{ tag: string }> };
  const end = journal.entries.findIndex((entry) => entry.tag === BEFORE);
  expect(end).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, end + 1);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return into;
}

/** Rows written the way the older server wrote them (its columns only), as statements and their values. */
const olderRows = (now: number | Date): Array<readonly [string, readonly unknown[]]> => [
  [
    "insert into users (id, auth_uid, disabled, created_at, updated_at) values (?, ?, ?, ?, ?)",
    ["u1", "uid-1", false, now, now],
  ],
  ...["c-items", "c-none", "c-dismissed"].map(
    (id) =>
      [
        "insert into calls (id, user_id, status, stale_requeues, status_changed_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)",
        [id, "u1", "COMPLETED", 0, now, now, now],
      ] as const,
  ),
  ...(
    [
      ["i1", "c-items", "Dismissed first", "DISMISSED", 1],
      ["i2", "c-items", "Send the contract", "OPEN", 2],
      ["i3", "c-items", "Book the room", "DONE", 3],
      ["i4", "c-dismissed", "Nobody wanted this", "DISMISSED", 1],
    ] as const
  ).map(
    ([id, callId, title, status, order]) =>
      [
        "insert into action_items (id, call_id, user_id, title, status, priority, source, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
          id,
          callId,
          "u1",
          title,
          status,
          "MEDIUM",
          "AI",
          typeof now === "number" ? now + order : new Date(now.getTime() + order),
          now,
        ],
      ] as const,
  ),
];

async function expectSummaries(store: Store) {
  const rows = await store.calls.list("u1", { limit: 10 });
  const byId = Object.fromEntries(rows.map((row) => [row.id, [row.actionItemCount, row.firstActionTitle]]));
  expect(byId).toEqual({
    "c-items": [2, "Send the contract"],
    "c-none": [0, null],
    "c-dismissed": [0, null],
  });
  // And the triggers keep it from here on.
  const [open] = (await store.actionItems.listForCall("u1", "c-items")).filter((item) => item.status === "OPEN");
  await store.actionItems.update("u1", open!.id, { status: "DISMISSED" });
  expect((await store.calls.getById("c-items"))?.firstActionTitle).toBe("Book the room");
}

describe("upgrading to the action summary on the call row", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-upgrade-"));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  };

  it("sqlite: existing calls get their count and first title", async () => {
    const dir = tempDir();
    const file = path.join(dir, "scryon.db");
    const older = new Database(file);
    sqliteMigrate(sqliteDrizzle(older), { migrationsFolder: migrationsUpTo("sqlite", path.join(dir, "migrations")) });
    for (const [statement, values] of olderRows(Date.now()))
      older.prepare(statement).run(...values.map((value) => (typeof value === "boolean" ? Number(value) : value)));
    older.close();

    const store = openSqliteStore({ file });
    cleanups.push(() => store.close());
    await expectSummaries(store);
  });

  it("postgres: existing calls get their count and first title", async () => {
    const database = await createTestDatabase("scryon_upgrade");
    cleanups.push(() => database.drop());
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await pgMigrate(pgDrizzle(client), { migrationsFolder: migrationsUpTo("postgres", path.join(tempDir(), "m")) });
      for (const [statement, values] of olderRows(new Date())) {
        let n = 0;
        await client.query(
          statement.replace(/\?/g, () => `$${++n}`),
          [...values],
        );
      }
    } finally {
      await client.end();
    }

    const store = await openPostgresStore({ url: database.url });
    cleanups.push(() => store.close());
    await expectSummaries(store);
  });
});
