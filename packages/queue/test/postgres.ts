import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import pg from "pg";

/** The PostgreSQL the tests use; override with SCRYON_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env.SCRYON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function query(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts the local cluster when it is down (a fresh container boots without it). */
async function ensurePostgres(): Promise<void> {
  try {
    await query("SELECT 1");
    return;
  } catch {
    const version = fs.existsSync("/etc/postgresql") ? fs.readdirSync("/etc/postgresql")[0] : undefined;
    if (!version)
      throw new Error(`PostgreSQL is not reachable at ${TEST_POSTGRES_URL} and no local cluster is installed`);
    execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "ignore" });
  }
  for (let i = 0; i < 50; i++) {
    try {
      await query("SELECT 1");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`PostgreSQL did not come up at ${TEST_POSTGRES_URL}`);
}

/** A pg-boss schema name of its own for one test file; drop() removes it with everything in it. */
export async function freshSchema(prefix: string): Promise<{ schema: string; drop(): Promise<void> }> {
  await ensurePostgres();
  const schema = `${prefix}_${randomBytes(6).toString("hex")}`;
  return { schema, drop: () => query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) };
}
