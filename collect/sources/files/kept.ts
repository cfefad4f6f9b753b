import { redact } from "../../redact";
import { LIMITS } from "../../../schemas";
import type { Change } from "./observe";

/**
 * The host content a change may carry (FilesSourceOptions.keepContent): a
 * text file's new bytes, redacted (passwords, tokens, keys become [REDACTED],
 * as in commands), when the path is opted in and the file fits. The label
 * `kept` says what happened, so the drift engine can say exactly why a patch
 * cannot be made: content (verbatim), redacted (secrets masked), too-large,
 * binary, not-text-utf8.
 */
export interface Kept {
  raw?: string;
  kept: "content" | "redacted" | "too-large" | "binary" | "not-text-utf8";
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function optedIn(path: string, paths: readonly string[]): boolean {
  return paths.some((p) => (p.endsWith("/") ? path.startsWith(p) : path === p));
}

export function keptContent(change: Change, options: { paths: readonly string[]; maxBytes: number } | undefined): Kept | undefined {
  const after = change.after;
  if (options === undefined || after === undefined || after.entry.kind !== "file" || !optedIn(change.path, options.paths)) return undefined;
  const max = Math.min(options.maxBytes, LIMITS.raw);
  if (after.entry.size > max) return { kept: "too-large" };
  if (after.text === null) return { kept: "binary" };
  let text: string;
  try {
    text = utf8.decode(after.text);
  } catch {
    return { kept: "not-text-utf8" };
  }
  const raw = redact(text);
  if (raw.length > LIMITS.raw) return { kept: "too-large" };
  return { raw, kept: raw === text ? "content" : "redacted" };
}
