import { sql } from "drizzle-orm";

/** The action item statuses a contact counts as open (docs/contract.md § Contacts). */
export const OPEN_ITEM_STATUSES = ["OPEN", "IN_PROGRESS"] as const;
const OPEN_SQL = sql.raw(`(${OPEN_ITEM_STATUSES.map((status) => `'${status}'`).join(", ")})`);

/**
 * What a contact's calls add up to, as subqueries beside the contact's own columns; one definition for both
 * dialects. Spelled out with qualified names: drizzle leaves a single-table select's columns unqualified, which
 * would make a subquery's "id" ambiguous.
 */
const ofContact = sql.raw(`"calls"."contact_ref" = "contacts"."id"`);
export const contactSummaryColumns = {
  callCount: sql<number>`(select count(*) from "calls" where ${ofContact})`.mapWith(Number),
  openActionItemCount:
    sql<number>`(select count(*) from "action_items" inner join "calls" on "calls"."id" = "action_items"."call_id" where ${ofContact} and "action_items"."status" in ${OPEN_SQL})`.mapWith(
      Number,
    ),
  lastSentiment: sql<
    string | null
  >`(select "calls"."sentiment" from "calls" where ${ofContact} and "calls"."sentiment" is not null order by "calls"."created_at" desc, "calls"."id" desc limit 1)`,
};
