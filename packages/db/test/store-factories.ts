import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPostgresStore, openSqliteStore, type Store } from "../src/index";
import { createTestDatabase } from "./postgres-harness";

/** One way to get a fresh, empty store and to throw it away afterwards. */
export interface StoreFactory {
  name: string;
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

/** Both stores: every contract suite runs against each. */
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
