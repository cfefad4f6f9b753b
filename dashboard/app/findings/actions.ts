"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { TriageError } from "../../../detections/triage";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { suppress, triage, unsuppress } from "../../lib/data/findings";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

export interface ActionState {
  error?: string;
  message?: string;
}

const field = (data: FormData, name: string) => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};

/** Refusals a person can act on are shown; anything else is a bug and goes to the error page. */
async function guarded(what: string, run: () => Promise<string>): Promise<ActionState> {
  try {
    verifyCsrf({ headers: await headers() });
    const message = await run();
    revalidatePath("/findings");
    return { message };
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => i.message).join("; ") };
    if (error instanceof CsrfError || error instanceof ForbiddenError || error instanceof TriageError) {
      log.warn({ err: error, what }, "findings action refused");
      return { error: error.message };
    }
    throw error;
  }
}

const ACTIONS = ["acknowledge", "resolve", "false_positive", "reopen", "assign"] as const;
const actionSchema = z.enum(ACTIONS, { message: `the action must be one of ${ACTIONS.join(", ")}` });

/** Acknowledge, resolve, mark false positive, reopen or assign: CSRF, sign-in, findings:triage (in the data layer), audited. */
export async function triageAction(_prev: ActionState, data: FormData): Promise<ActionState> {
  const viewer = await requireViewer();
  return guarded("triage", async () => {
    const action = actionSchema.parse(field(data, "action"));
    const assignee = field(data, "assignee");
    const done = await triage(viewer, getStore(), { findingId: field(data, "finding_id"), action, note: field(data, "note"), ...(action === "assign" ? { assignee } : {}) });
    return `Finding is now ${done.status.replace("_", " ")}${done.assignee ? `, assigned to ${done.assignee}` : ""}.`;
  });
}

export async function suppressAction(_prev: ActionState, data: FormData): Promise<ActionState> {
  const viewer = await requireViewer();
  return guarded("suppress", async () => {
    const days = Number(field(data, "days") || "7");
    const s = await suppress(viewer, getStore(), { ruleId: field(data, "rule_id"), actorId: field(data, "actor_id"), host: field(data, "host"), sourceIp: field(data, "source_ip"), reason: field(data, "reason"), days });
    return `Suppression ${s.suppression_id} active until ${s.expires_at}.`;
  });
}

export async function revokeSuppressionAction(_prev: ActionState, data: FormData): Promise<ActionState> {
  const viewer = await requireViewer();
  return guarded("unsuppress", async () => {
    const s = await unsuppress(viewer, getStore(), field(data, "suppression_id"), field(data, "note") || "revoked from the dashboard");
    return `Suppression ${s.suppression_id} revoked.`;
  });
}
