import { randomBytes } from "node:crypto";
import type { Sink } from "../../collect/sink";
import { authConfigSchema, type AuthConfig } from "../../config/auth";

/**
 * What the dashboard's sign-in and audit code need from `prodtrail serve`
 * besides the store: the Sink the server's own records are written
 * through (serve gives it the store directly, in every mode, a path no API
 * key or collector can reach: schemas/server-only.ts), the `auth:` config,
 * and the key that signs the OpenID state
 * cookie. Shared over globalThis for the reason server/global-store.ts
 * gives: Next's server bundles hold their own copies of our modules.
 */
const RUNTIME_KEY = Symbol.for("prodtrail.auth-runtime");

export interface AuthRuntime {
  sink: Sink;
  config: AuthConfig;
  /** HMAC key for short-lived signed cookies (OpenID state). */
  cookieKey: Buffer;
}

export class AuthRuntimeUnavailableError extends Error {
  constructor() {
    super(
      "sign-in and audit are not set up in this process: the dashboard must be served by `prodtrail serve`, " +
        "which publishes the event sink and auth config before it hands requests to Next",
    );
    this.name = "AuthRuntimeUnavailableError";
  }
}

export function publishAuthRuntime(input: { sink: Sink; config?: AuthConfig } | undefined): void {
  if (input === undefined) {
    Reflect.deleteProperty(globalThis, RUNTIME_KEY);
    return;
  }
  const config = input.config ?? authConfigSchema.parse({});
  const runtime: AuthRuntime = {
    sink: input.sink,
    config,
    cookieKey: config.cookie_secret ? Buffer.from(config.cookie_secret, "utf8") : randomBytes(32),
  };
  Reflect.set(globalThis, RUNTIME_KEY, runtime);
}

/** Shape check instead of a cast: the value crossed a bundle boundary. */
function isRuntime(value: unknown): value is AuthRuntime {
  if (typeof value !== "object" || value === null) return false;
  const sink: unknown = Reflect.get(value, "sink");
  return (
    typeof sink === "object" &&
    sink !== null &&
    typeof Reflect.get(sink, "publish") === "function" &&
    typeof Reflect.get(value, "config") === "object" &&
    Buffer.isBuffer(Reflect.get(value, "cookieKey"))
  );
}

export function sharedAuthRuntime(): AuthRuntime {
  const value: unknown = Reflect.get(globalThis, RUNTIME_KEY);
  if (!isRuntime(value)) throw new AuthRuntimeUnavailableError();
  return value;
}
