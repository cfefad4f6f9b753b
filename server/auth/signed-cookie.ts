import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * A small signed value for a cookie: base64url(JSON) "." base64url(HMAC-SHA256).
 * Used for the OpenID Connect state (state, nonce, PKCE verifier, where to go
 * next), which must come back unaltered from the browser that started the
 * sign-in and be useless after a few minutes. Not encrypted: nothing in it
 * is worth anything without the provider's response to this very browser.
 */
export function signValue(payload: Record<string, unknown>, key: Buffer, ttlMs: number, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify({ ...payload, exp: now + ttlMs })).toString("base64url");
  return `${body}.${mac(body, key)}`;
}

export function verifyValue<S extends z.ZodType>(value: string | undefined, key: Buffer, schema: S, now = Date.now()): z.output<S> | undefined {
  if (!value) return undefined;
  const [body, signature, extra] = value.split(".");
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(body, key), "base64url");
  const given = Buffer.from(signature, "base64url");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const withExp = z.object({ exp: z.number() }).safeParse(json);
  if (!withExp.success || withExp.data.exp <= now) return undefined;
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function mac(body: string, key: Buffer): string {
  return createHmac("sha256", key).update(body).digest("base64url");
}
