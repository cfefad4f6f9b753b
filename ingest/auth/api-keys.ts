import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Store } from "../../store/open";
import { defineQuery, insertRows } from "../../store/query";
import { chTimeToIso } from "../../store/event-rows";

/**
 * Per-collector API keys. A key is shown once at creation as
 * `ptk_<key_id>_<secret>`; the store keeps only sha256(secret). The key_id is
 * public (it names the key in logs and lists), the secret never leaves the
 * creator's terminal.
 */
/** drift:gate — a deploy pipeline asks POST /api/v1/drift/gate before releasing (ingest/gateway/drift-gate.ts). */
export const KEY_SCOPES = ["events:write", "keys:register", "drift:gate", "metrics:read"] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

const TOKEN = /^ptk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyInfo {
  keyId: string;
  name: string;
  scopes: KeyScope[];
  /**
   * Hosts (names or globs such as `web-*`) the key may write events for:
   * as issued, or the key's name when issued without --hosts (and for keys
   * from before migration 0012).
   */
  hosts: string[];
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

const keyRow = z.object({
  key_id: z.string(),
  name: z.string(),
  secret_sha256: z.string(),
  scopes: z.array(z.enum(KEY_SCOPES)),
  hosts: z.array(z.string()).default([]),
  created_at: z.string().transform(chTimeToIso),
  created_by: z.string(),
  revoked_at: z.string().nullable().transform((v) => (v === null ? null : chTimeToIso(v))),
  version: z.coerce.number(),
});

const keysQuery = defineQuery({
  name: "api_keys.list",
  params: z.object({ key_id: z.string().default("") }),
  row: keyRow,
  sql: (t) => `
    SELECT key_id, name, secret_sha256, scopes, hosts, created_at, created_by, revoked_at, version
    FROM ${t.api_keys} FINAL
    WHERE empty({key_id:String}) OR key_id = {key_id:String}
    ORDER BY created_at`,
});

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A host name or a glob over host names (`web-*`, `db-0[1-3]`): what an event's `host` is checked against. */
export const keyHostSchema = z
  .string()
  .min(1, { message: "a host must not be empty" })
  .max(256, { message: "a host is at most 256 characters" })
  .regex(/^[^\s/,]+$/, { message: "a host is a name or a glob such as web-*, without spaces, '/' or ','" });

export async function createApiKey(
  store: Store,
  input: { name: string; scopes?: KeyScope[]; hosts?: readonly string[]; createdBy: string },
): Promise<{ token: string; info: ApiKeyInfo }> {
  const name = z.string().min(1).max(128).parse(input.name);
  const hosts = z.array(keyHostSchema).max(1000).parse(input.hosts ?? []);
  const keyId = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const now = new Date().toISOString();
  const scopes = input.scopes ?? ["events:write"];
  await insertRows(store, {
    table: "api_keys",
    rows: [{ key_id: keyId, name, secret_sha256: sha256(secret), scopes, hosts, created_at: now, created_by: input.createdBy, revoked_at: null, revoked_by: "", version: 1 }],
  });
  return { token: `ptk_${keyId}_${secret}`, info: { keyId, name, scopes, hosts: hosts.length > 0 ? hosts : [name], createdAt: now, createdBy: input.createdBy, revokedAt: null } };
}

export async function listApiKeys(store: Store): Promise<ApiKeyInfo[]> {
  return (await keysQuery(store, {})).map(toInfo);
}

export class ApiKeyNotFoundError extends Error {
  constructor(readonly keyId: string) {
    super(`no API key with id ${keyId}`);
    this.name = "ApiKeyNotFoundError";
  }
}

export async function revokeApiKey(store: Store, keyId: string, revokedBy: string): Promise<ApiKeyInfo> {
  const [row] = await keysQuery(store, { key_id: keyId });
  if (!row) throw new ApiKeyNotFoundError(keyId);
  if (row.revoked_at !== null) return toInfo(row);
  const revokedAt = new Date().toISOString();
  await insertRows(store, {
    table: "api_keys",
    rows: [{ ...row, revoked_at: revokedAt, revoked_by: revokedBy, version: row.version + 1 }],
  });
  return { ...toInfo(row), revokedAt };
}

export type KeyCheck = { ok: true; key: ApiKeyInfo } | { ok: false; reason: "malformed" | "unknown" | "revoked" | "bad-secret" | "scope" };

/** Checks a presented token; `lookup` is the (possibly cached) key fetch. */
export async function checkToken(
  token: string,
  scope: KeyScope,
  lookup: (keyId: string) => Promise<z.output<typeof keyRow> | undefined>,
): Promise<KeyCheck> {
  const match = TOKEN.exec(token);
  if (!match?.[1] || !match[2]) return { ok: false, reason: "malformed" };
  const row = await lookup(match[1]);
  if (!row) return { ok: false, reason: "unknown" };
  const presented = Buffer.from(sha256(match[2]), "hex");
  const expected = Buffer.from(row.secret_sha256, "hex");
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, reason: "bad-secret" };
  if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
  if (!row.scopes.includes(scope)) return { ok: false, reason: "scope" };
  return { ok: true, key: toInfo(row) };
}

/** Key lookups cached for `ttlMs`: a revocation takes effect within that time (default 10 s). */
export function cachedKeyLookup(store: Store, ttlMs = 10_000) {
  const cache = new Map<string, { at: number; row: z.output<typeof keyRow> | undefined }>();
  return async (keyId: string) => {
    const hit = cache.get(keyId);
    if (hit && Date.now() - hit.at < ttlMs) return hit.row;
    const [row] = await keysQuery(store, { key_id: keyId });
    cache.set(keyId, { at: Date.now(), row });
    return row;
  };
}

function toInfo(row: z.output<typeof keyRow>): ApiKeyInfo {
  const hosts = row.hosts.length > 0 ? row.hosts : [row.name];
  return { keyId: row.key_id, name: row.name, scopes: row.scopes, hosts, createdAt: row.created_at, createdBy: row.created_by, revokedAt: row.revoked_at };
}
