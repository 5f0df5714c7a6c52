import { print, printJson, type TargetOptions, withApi } from "./calls-command";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** A hit's snippet (escaped HTML with <mark>) as terminal text: the matched words in [brackets]. */
export function snippetText(html: string): string {
  return html
    .replace(/<mark>/g, "[")
    .replace(/<\/mark>/g, "]")
    .replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

const clock = (seconds: number) => {
  const whole = Math.floor(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
};

export async function searchCalls(
  query: string,
  options: TargetOptions & { limit?: number; from?: string; to?: string; all?: boolean },
) {
  await withApi(options, async (api) => {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await api.search({
        q: query,
        limit: options.limit ?? 20,
        cursor,
        ...(options.from && { from: options.from }),
        ...(options.to && { to: options.to }),
      });
      items.push(...page.items);
      cursor = options.all ? page.nextCursor : undefined;
    } while (cursor);
    if (options.json) return printJson({ items });
    if (items.length === 0) return print("No matches.");
    for (const hit of items) {
      const at = hit.startSeconds === null ? "" : ` at ${clock(hit.startSeconds)}`;
      print(`${hit.callId}  ${hit.kind}${at}  ${hit.title ?? hit.contactName ?? ""}`.trimEnd());
      print(`  ${snippetText(hit.snippet)}`);
    }
  });
}
