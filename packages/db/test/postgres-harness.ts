import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openPostgresStore, openSqliteStore, type Store } from "../src/index";

/** The PostgreSQL the tests use; override with SCRYON_TEST_POSTGRES_URL. */
export const ADMIN_URL = process.env.SCRYON_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts the local cluster when it is down (a fresh container boots without it). */
async function ensurePostgres(): Promise<void> {
  if (await canConnect(ADMIN_URL)) return;
  const versions = fs.existsSync("/etc/postgresql") ? fs.readdirSync("/etc/postgresql") : [];
  const version = versions[0];
  if (!version) throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} and no local cluster is installed`);
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { stdio: "ignore" });
  for (let i = 0; i < 50; i++) {
    if (await canConnect(ADMIN_URL)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`PostgreSQL did not come up at ${ADMIN_URL}`);
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A database of its own for one test file, dropped (connections and all) afterwards. */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  await ensurePostgres();
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** One way to get a fresh, empty store and to throw it away afterwards. */
interface StoreFactory {
  name: "sqlite" | "postgres";
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

/** Both stores, for suites that every implementation must pass (the contract suites, the search bench). */
export const storeFactories: StoreFactory[] = [
  {
    name: "sqlite",
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-store-"));
      const store = openSqliteStore({ file: path.join(dir, "scryon.db") });
      return {
        store,
        async dispose() {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async open() {
      const database = await createTestDatabase("scryon_store");
      const store = await openPostgresStore({ url: database.url });
      return {
        store,
        async dispose() {
          await store.close();
          await database.drop();
        },
      };
    },
  },
];
