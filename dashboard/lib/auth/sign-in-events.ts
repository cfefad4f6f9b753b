import "server-only";
import { buildSignInEvent, type SignInEventInput } from "../../../server/auth/sign-in-event";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { log } from "../log";

/**
 * Publishes a dashboard sign-in, refused sign-in or sign-out through the pipeline's
 * Sink. A success whose record cannot be written throws (the caller refuses
 * the sign-in: access to the audit tool is audited or does not happen); a
 * refusal or sign-out that cannot be recorded is logged, since the person
 * is out either way.
 */
export async function recordSignIn(input: SignInEventInput): Promise<void> {
  try {
    await sharedAuthRuntime().sink.publish([buildSignInEvent(input)]);
  } catch (error) {
    log.error({ err: error, outcome: input.outcome, method: input.method }, "audit: publishing the sign-in event failed");
    if (input.outcome === "success") throw error;
  }
}
