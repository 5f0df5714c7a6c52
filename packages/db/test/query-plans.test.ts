import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callListSql, callStatusesSql, openPostgresStore, openSqliteStore } from "../src/index";
import { createTestDatabase } from "./postgres-harness";

/**
 * The hot reads' plans (docs/architecture.md § The call list), on a skewed database: one heavy user with
 * most of the calls. A plan is checked, not timed: the status poll finds the polled ids by primary key, and
 * the list page walks the user's index in order with no sort, whatever the user's size. On PostgreSQL the
 * generic plan is the one a prepared statement settles on after five runs, so that is the one checked.
 */
const HEAVY_CALLS = 5000;
const LIGHT_USERS = 50;
const LIGHT_CALLS = 20;

const pgParams = (n: number) => `$${n}`;

describe("query plans: PostgreSQL (generic plans)", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("scryon_plans");
    await (await openPostgresStore({ url: database.url })).close();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      `insert into users (id, auth_uid, created_at, updated_at)
       select 'user-' || n, 'uid-' || n, now(), now() from generate_series(0, $1::int) n`,
      [LIGHT_USERS],
    );
    await client.query(
      `insert into calls (id, user_id, status, status_changed_at, created_at, updated_at)
       select 'call-' || i, case when i < $1::int then 'user-0' else 'user-' || (1 + i % $2::int) end, 'COMPLETED',
              now(), now() - i * interval '1 second', now()
       from generate_series(0, $1::int + $2::int * $3::int - 1) i`,
      [HEAVY_CALLS, LIGHT_USERS, LIGHT_CALLS],
    );
    await client.query("analyze");
    await client.query("set plan_cache_mode = force_generic_plan");
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /** EXECUTE takes no bind parameters: the values as SQL literals. */
  const literals = (values: unknown[]) =>
    values
      .map((value) =>
        typeof value === "number"
          ? String(value)
          : client.escapeLiteral(
              Array.isArray(value)
                ? `{${value.join(",")}}`
                : value instanceof Date
                  ? value.toISOString()
                  : String(value),
            ),
      )
      .join(", ");

  /** The plan's nodes and the indexes it reads, for `sql` prepared with parameter types `types`. */
  async function genericPlan(name: string, sql: string, types: string[], values: unknown[]) {
    await client.query(`prepare ${name} (${types.join(", ")}) as ${sql}`);
    const { rows } = await client.query<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>(
      `explain (format json) execute ${name} (${literals(values)})`,
    );
    const nodes: PlanNode[] = [];
    const walk = (node: PlanNode) => {
      nodes.push(node);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(rows[0]!["QUERY PLAN"][0]!.Plan);
    return {
      nodeTypes: nodes.map((node) => node["Node Type"]),
      indexes: nodes.flatMap((node) => (node["Index Name"] ? [node["Index Name"]] : [])),
    };
  }

  it("the status poll looks the ids up by primary key, not through the user's calls", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `call-${i * 97}`);
    const plan = await genericPlan(
      "statuses",
      callStatusesSql("= any($1::text[])", "$2"),
      ["text[]", "text"],
      [ids, "user-0"],
    );
    expect(plan.indexes).toEqual(["calls_pkey"]);
    const { rows } = await client.query(`execute statuses (${literals([ids, "user-0"])})`);
    expect(rows).toHaveLength(50);
  });

  it.each([false, true])("the list page (status filter: %s) walks the user's index in order", async (withStatus) => {
    const types = withStatus
      ? ["text", "timestamptz", "text", "text", "integer"]
      : ["text", "timestamptz", "text", "integer"];
    const values = withStatus
      ? ["user-0", new Date("9999-12-31T00:00:00Z"), "", "COMPLETED", 51]
      : ["user-0", new Date("9999-12-31T00:00:00Z"), "", 51];
    const plan = await genericPlan(`list_${withStatus}`, callListSql.page(pgParams, withStatus), types, values);
    expect(plan.indexes).toEqual([withStatus ? "calls_user_status_created_idx" : "calls_user_created_idx"]);
    expect(plan.nodeTypes).not.toContain("Sort");
  });
});

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

describe("query plans: SQLite", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-plans-"));
  const store = openSqliteStore({ file: path.join(dir, "scryon.db") });
  beforeAll(() => {
    const now = Date.now();
    store.sqlite
      .prepare(
        `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${LIGHT_USERS})
         insert into users (id, auth_uid, created_at, updated_at) select 'user-' || i, 'uid-' || i, ?, ? from n`,
      )
      .run(now, now);
    store.sqlite
      .prepare(
        `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${HEAVY_CALLS + LIGHT_USERS * LIGHT_CALLS - 1})
         insert into calls (id, user_id, status, status_changed_at, created_at, updated_at)
         select 'call-' || i, case when i < ${HEAVY_CALLS} then 'user-0' else 'user-' || (1 + i % ${LIGHT_USERS}) end,
           'COMPLETED', ?, ? - i * 1000, ? from n`,
      )
      .run(now, now, now);
    store.sqlite.exec("analyze");
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** SQLite plans without looking at the values, so every parameter is bound as null. */
  const plan = (sql: string) =>
    (
      store.sqlite.prepare(`explain query plan ${sql}`).all(
        ...sql
          .split("?")
          .slice(1)
          .map(() => null),
      ) as Array<{
        detail: string;
      }>
    ).map((row) => row.detail);

  it("the status poll looks the ids up by primary key", () => {
    const steps = plan(callStatusesSql("in (select value from json_each(?))", "?"));
    expect(steps.join("\n")).toMatch(/SEARCH calls USING INDEX sqlite_autoindex_calls_1 \(id=\?\)/);
    expect(steps.join("\n")).not.toMatch(/calls_user/);
  });

  it.each([false, true])("the list page (status filter: %s) walks the user's index in order", (withStatus) => {
    const steps = plan(callListSql.page(() => "?", withStatus)).join("\n");
    expect(steps).toMatch(withStatus ? /calls_user_status_created_idx/ : /calls_user_created_idx/);
    expect(steps).not.toMatch(/TEMP B-TREE/);
  });
});
