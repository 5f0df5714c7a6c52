import { STATUS_LABEL } from "../lib/format";
import type { CallStatus } from "../lib/trpc";

export function StatusBadge({ status }: { status: CallStatus }) {
  const working = status === "QUEUED" || status === "TRANSCRIBING" || status === "ANALYZING";
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {working && <span className="pulse" aria-hidden="true" />}
      {STATUS_LABEL[status]}
    </span>
  );
}
