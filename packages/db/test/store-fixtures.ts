import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type NewActionItem, type NewCall, openPostgresStore, openSqliteStore, type Store } from "../src/index";
import { createTestDatabase } from "./postgres-harness";

/** One way to get a fresh, empty store and to throw it away afterwards. */
export interface StoreFactory {
  name: string;
  open(): Promise<{ store: Store; dispose(): Promise<void> }>;
}

/** Both stores: every contract suite runs against each. */
export const factories: StoreFactory[] = [
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

/** A call row with nothing but its owner set; override what a test needs. */
export const newCall = (userId: string, overrides: Partial<NewCall> = {}): NewCall => ({
  id: randomUUID(),
  userId,
  title: null,
  contactName: null,
  contactId: null,
  phoneNumber: null,
  organization: null,
  direction: null,
  recordedAt: null,
  durationSeconds: null,
  sourceContentType: "audio/mp4",
  sourceSizeBytes: 1234,
  ...overrides,
});

/** An OPEN AI action item of a call. */
export const newItem = (callId: string, userId: string, overrides: Partial<NewActionItem> = {}): NewActionItem => ({
  id: randomUUID(),
  callId,
  userId,
  title: "Send the contract",
  description: null,
  dueDate: null,
  status: "OPEN",
  priority: "MEDIUM",
  source: "AI",
  sourceText: null,
  ownerSpeakerId: null,
  ownerSpeakerLabel: null,
  ownerDisplayName: null,
  ownerRole: null,
  sourceSegmentIds: [],
  intent: null,
  intentMetadata: null,
  ...overrides,
});
