"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { DriftEditNotFoundError, DriftNotAcceptableError } from "../../../drift/accept";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { acceptDriftEdit } from "../../lib/data/drift";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

export interface AcceptState {
  error?: string;
  message?: string;
}

const field = (data: FormData, name: string) => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};

/** Accept a direct edit with a ticket and a note: CSRF, sign-in, drift:accept (in the data layer), then an audited event. */
export async function acceptEditAction(_prev: AcceptState, data: FormData): Promise<AcceptState> {
  const viewer = await requireViewer();
  try {
    verifyCsrf({ headers: await headers() });
    const result = await acceptDriftEdit(viewer, getStore(), { changeEventId: field(data, "change_event_id"), ticket: field(data, "ticket"), note: field(data, "note") });
    revalidatePath("/drift");
    return { message: `Accepted (was ${result.was}); recorded as event ${result.eventId}. The drift job applies it on its next run.` };
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => i.message).join("; ") };
    if (error instanceof CsrfError || error instanceof ForbiddenError || error instanceof DriftEditNotFoundError || error instanceof DriftNotAcceptableError) {
      log.warn({ err: error }, "drift accept refused");
      return { error: error.message };
    }
    throw error;
  }
}
