import { randomUUID } from "node:crypto";
import type { NewActionItem, NewCall } from "../src/index";
import { storeFactories } from "./postgres-harness";

/** Both stores: every contract suite runs against each (the same list the search bench uses). */
export const factories = storeFactories;

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
