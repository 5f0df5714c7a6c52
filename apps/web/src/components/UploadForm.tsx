import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { formatBytes } from "../lib/format";
import { keys } from "../lib/queries";
import { UploadError, type UploadFields, uploadCall } from "../lib/upload";

type Direction = NonNullable<UploadFields["direction"]>;
type UploadState =
  | { phase: "idle" }
  | { phase: "uploading"; fraction: number }
  | { phase: "done"; callId: string }
  | { phase: "failed"; message: string; code: string };

const ACCEPT = "audio/*,.m4a,.mp3,.wav,.ogg,.oga,.opus,.webm,.flac,.aac,.mp4,.3gp,.amr";

export function UploadForm() {
  const queryClient = useQueryClient();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState("");
  const [contactName, setContactName] = useState("");
  const [direction, setDirection] = useState<Direction>("UNKNOWN");
  const [state, setState] = useState<UploadState>({ phase: "idle" });
  const controller = useRef<AbortController | null>(null);
  const fieldId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    controller.current = new AbortController();
    setState({ phase: "uploading", fraction: 0 });
    try {
      const { callId } = await uploadCall(
        file,
        { title: title.trim(), contactName: contactName.trim(), direction },
        (fraction) => setState({ phase: "uploading", fraction }),
        controller.current.signal,
      );
      setState({ phase: "done", callId });
      setFile(null);
      setTitle("");
      setContactName("");
      setDirection("UNKNOWN");
      if (fileInput.current) fileInput.current.value = "";
      // The new call shows up QUEUED; the live subscription moves it along from there.
      await queryClient.invalidateQueries({ queryKey: keys.calls });
    } catch (error) {
      const failure = error instanceof UploadError ? error : new UploadError("upload_failed", String(error), 0);
      setState({ phase: "failed", message: failure.message, code: failure.code });
    }
  };

  const uploading = state.phase === "uploading";
  return (
    <section className="panel" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a recording</h2>
      <form className="upload-form" onSubmit={submit}>
        <div className="field file-field">
          <label htmlFor={`${fieldId}-recording`}>Recording</label>
          <input
            id={`${fieldId}-recording`}
            ref={fileInput}
            type="file"
            name="file"
            accept={ACCEPT}
            required
            disabled={uploading}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
          {file && <small className="muted">{`${file.name}, ${formatBytes(file.size)}`}</small>}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${fieldId}-title`}>Title</label>
            <input
              id={`${fieldId}-title`}
              name="title"
              maxLength={200}
              value={title}
              disabled={uploading}
              onChange={(event) => setTitle(event.target.value)}
              placeholder="Proposal follow-up"
            />
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-contact`}>Contact</label>
            <input
              id={`${fieldId}-contact`}
              name="contact"
              maxLength={200}
              value={contactName}
              disabled={uploading}
              onChange={(event) => setContactName(event.target.value)}
              placeholder="Who you spoke with"
            />
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-direction`}>Direction</label>
            <select
              id={`${fieldId}-direction`}
              name="direction"
              value={direction}
              disabled={uploading}
              onChange={(event) => setDirection(event.target.value as Direction)}
            >
              <option value="UNKNOWN">Unknown</option>
              <option value="OUTGOING">Outgoing (I called)</option>
              <option value="INCOMING">Incoming (they called)</option>
            </select>
          </div>
        </div>
        <div className="upload-actions">
          <button type="submit" className="button primary" disabled={!file || uploading}>
            {uploading ? "Uploading…" : "Upload and analyse"}
          </button>
          {uploading && (
            <button type="button" className="button ghost" onClick={() => controller.current?.abort()}>
              Cancel
            </button>
          )}
        </div>
        {uploading && (
          <div className="progress">
            <progress id="upload-progress" max={1} value={state.fraction} aria-label="Upload progress" />
            <span aria-hidden="true">{Math.round(state.fraction * 100)}%</span>
          </div>
        )}
        <div aria-live="polite" className="upload-status">
          {state.phase === "done" && (
            <p className="form-ok">Uploaded. Processing has started; the status below updates live.</p>
          )}
          {state.phase === "failed" && (
            <p className="form-error" role="alert">
              {state.message} <span className="muted">({state.code})</span>
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
