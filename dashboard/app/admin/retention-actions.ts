"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { HoldAlreadyReleasedError, HoldNotFoundError } from "../../../store/legal-holds";
import { adminAddHold, adminReleaseHold } from "../../lib/auth/retention-admin";
import { CsrfError, verifyCsrf } from "../../lib/auth/csrf";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { log } from "../../lib/log";
import { getStore } from "../../lib/store";

export interface HoldActionState {
  error?: string;
  message?: string;
}

const field = (data: FormData, name: string) => {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
};

async function run(work: () => Promise<string>): Promise<HoldActionState> {
  try {
    verifyCsrf({ headers: await headers() });
    const message = await work();
    revalidatePath("/admin");
    return { message };
  } catch (error) {
    if (error instanceof z.ZodError) return { error: error.issues.map((i) => `${i.path.join(".") || "hold"}: ${i.message}`).join("; ") };
    if (error instanceof CsrfError || error instanceof ForbiddenError || error instanceof HoldNotFoundError || error instanceof HoldAlreadyReleasedError) {
      log.warn({ err: error }, "legal hold action refused");
      return { error: error.message };
    }
    throw error;
  }
}

export async function addHoldAction(_prev: HoldActionState, data: FormData): Promise<HoldActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const hold = await adminAddHold(viewer, getStore(), { scope: field(data, "scope"), value: field(data, "value"), from: field(data, "from"), to: field(data, "to"), reason: field(data, "reason") });
    return `hold ${hold.hold_id} set`;
  });
}

export async function releaseHoldAction(_prev: HoldActionState, data: FormData): Promise<HoldActionState> {
  const viewer = await requireViewer();
  return run(async () => {
    const hold = await adminReleaseHold(viewer, getStore(), { holdId: field(data, "hold_id"), reason: field(data, "reason") });
    return `hold ${hold.hold_id} released`;
  });
}
