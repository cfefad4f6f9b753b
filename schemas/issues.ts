import type { z } from "zod";

/** One reason an input was rejected, with the dotted path of the bad field. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** `["events", 3, "occurred_at"]` → `events[3].occurred_at`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>, prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(root)" : out;
}

export function toFieldIssues(error: z.ZodError, prefix = ""): FieldIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return { field: fieldPath(issue.path, prefix), message: `unknown field(s): ${issue.keys.join(", ")}` };
    }
    return { field: fieldPath(issue.path, prefix), message: issue.message };
  });
}

export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}
