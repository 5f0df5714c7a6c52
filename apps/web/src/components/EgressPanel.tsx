import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "../lib/format";
import { processingQuery } from "../lib/queries";

const RECEIVED = { AUDIO: "the audio", TRANSCRIPT: "the redacted transcript" } as const;

/** "Where this call went": every outside service that received the call's audio or text (docs/contract.md § Egress ledger). */
export function EgressPanel({ callId }: { callId: string }) {
  const ledger = useQuery(processingQuery(callId));
  return (
    <section className="panel egress" aria-labelledby="egress-heading">
      <h2 id="egress-heading">Where this call went</h2>
      {ledger.isPending ? (
        <p className="muted">Loading…</p>
      ) : ledger.isError ? (
        <p className="form-error">Could not load where this call went.</p>
      ) : ledger.data.egress.length === 0 ? (
        <p className="muted">Nowhere: this call was processed on this server only.</p>
      ) : (
        <ul>
          {ledger.data.egress.map((entry) => (
            <li key={`${entry.stage}-${entry.at}-${entry.host}`}>
              <strong>{entry.host}</strong> ({entry.provider ?? "provider"}
              {entry.model ? `, ${entry.model}` : ""}) received {RECEIVED[entry.received]} at {formatDateTime(entry.at)}
              {entry.status === "FAILED" ? " (the request failed)" : ""}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
