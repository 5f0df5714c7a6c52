import { authHeaders } from "./credentials";

export interface UploadFields {
  title?: string;
  contactName?: string;
  direction?: "INCOMING" | "OUTGOING" | "UNKNOWN";
}

export class UploadError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * POST /api/calls/analyze with upload progress. fetch() cannot report upload
 * progress, so this is the one XMLHttpRequest in the app.
 */
export function uploadCall(
  file: File,
  fields: UploadFields,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<{ callId: string; status: "QUEUED" }> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    const metadata = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined && value !== ""),
    );
    form.append("metadata", JSON.stringify(metadata));
    form.append("file", file, file.name);

    const request = new XMLHttpRequest();
    request.open("POST", "/api/calls/analyze");
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    // A retried click must not create a second call.
    request.setRequestHeader("idempotency-key", crypto.randomUUID());
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      const body = request.response as {
        callId?: string;
        status?: string;
        error?: { code: string; message: string };
      } | null;
      if (request.status === 202 && body?.callId) {
        onProgress(1);
        resolve({ callId: body.callId, status: "QUEUED" });
      } else {
        reject(
          new UploadError(
            body?.error?.code ?? "upload_failed",
            body?.error?.message ?? `Upload failed (HTTP ${request.status})`,
            request.status,
          ),
        );
      }
    });
    request.addEventListener("error", () =>
      reject(new UploadError("network_error", "The upload could not reach the server", 0)),
    );
    request.addEventListener("abort", () => reject(new UploadError("upload_aborted", "Upload cancelled", 0)));
    signal?.addEventListener("abort", () => request.abort(), { once: true });
    request.send(form);
  });
}
