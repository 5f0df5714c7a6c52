import { getTableConfig as pgTableConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "../src/postgres/schema";
import * as sqliteSchema from "../src/sqlite/schema";

/**
 * The column declarations are the one part of the two schemas written twice (each in its dialect's
 * types); this holds them to the same tables, columns, keys and indexes. Column types differ by design.
 */
type Config = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;
const shape = (config: Config) => ({
  name: config.name,
  columns: config.columns.map((c) => ({
    name: c.name,
    notNull: c.notNull,
    hasDefault: c.hasDefault,
    primary: c.primary,
  })),
  primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
  foreignKeys: config.foreignKeys.map((fk) => {
    const { columns, foreignColumns } = fk.reference();
    return { columns: columns.map((c) => c.name), to: foreignColumns.map((c) => c.name), onDelete: fk.onDelete };
  }),
  indexes: config.indexes.map((i) => ({
    name: i.config.name,
    unique: i.config.unique,
    on: i.config.columns.map((c) => ("name" in c ? c.name : String(c))),
  })),
});

const sqliteTables = new Map(Object.entries(sqliteSchema));
const pgTables = new Map(Object.entries(pgSchema));

describe("the SQLite and PostgreSQL schemas", () => {
  it("declare the same tables", () => {
    expect([...sqliteTables.keys()].sort()).toEqual([...pgTables.keys()].sort());
  });

  it.each([...pgTables])("%s: same columns, keys and indexes", (name, table) => {
    const sqliteTable = sqliteTables.get(name);
    expect(sqliteTable).toBeDefined();
    expect(shape(sqliteTableConfig(sqliteTable!))).toEqual(shape(pgTableConfig(table)));
  });
});
