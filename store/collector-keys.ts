import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { importPublicKey, rawPublicKey } from "../collect/sign";
import type { Store } from "./open";
import { defineQuery, insertRows } from "./query";
import { chTimeToIso } from "./event-rows";

/**
 * Collectors' Ed25519 public keys (table collector_keys, migration 0007).
 * Keys are stored in one canonical form, the 32 raw bytes in base64, so the
 * same key registered once as PEM and once raw is recognised as the same.
 * A collector has at most one active key; replacing it is an admin act
 * (revoke, then register), never something a collector can do by itself —
 * otherwise a stolen API key could swap the key its stream is verified with.
 */
export interface CollectorKey {
  collectorId: string;
  /** Raw 32-byte Ed25519 key, base64. */
  publicKey: string;
  registeredAt: string;
  registeredBy: string;
  revokedAt: string | null;
  version: number;
}

const keyRow = z.object({
  collector_id: z.string(),
  public_key: z.string(),
  registered_at: z.string().transform(chTimeToIso),
  registered_by: z.string(),
  revoked_at: z.string().nullable().transform((v) => (v === null ? null : chTimeToIso(v))),
  version: z.coerce.number(),
});

export const collectorKeysQuery = defineQuery({
  name: "collector_keys.list",
  params: z.object({ collector_id: z.string().default("") }),
  row: keyRow,
  sql: (t) => `
    SELECT collector_id, public_key, registered_at, registered_by, revoked_at, version
    FROM ${t.collector_keys} FINAL
    WHERE empty({collector_id:String}) OR collector_id = {collector_id:String}
    ORDER BY collector_id, registered_at, public_key`,
});

function toKey(row: z.output<typeof keyRow>): CollectorKey {
  return {
    collectorId: row.collector_id,
    publicKey: row.public_key,
    registeredAt: row.registered_at,
    registeredBy: row.registered_by,
    revokedAt: row.revoked_at,
    version: row.version,
  };
}

/** A key as registered (PEM or raw base64) → its canonical raw base64. Throws SignError when it is not an Ed25519 public key. */
export function canonicalPublicKey(text: string): string {
  const key = importPublicKey(text);
  if (key.asymmetricKeyType !== "ed25519") throw new TypeError(`public key is ${key.asymmetricKeyType ?? "unknown"}, expected ed25519`);
  return rawPublicKey(key);
}

export async function listCollectorKeys(store: Store, collectorId = ""): Promise<CollectorKey[]> {
  return (await collectorKeysQuery(store, { collector_id: collectorId })).map(toKey);
}

/** The newest key not revoked, if any. */
export function activeKey(keys: readonly CollectorKey[]): CollectorKey | undefined {
  return keys.filter((k) => k.revokedAt === null).at(-1);
}

export function keyObject(key: CollectorKey): KeyObject {
  return importPublicKey(key.publicKey);
}

export type Registration =
  | { outcome: "registered" | "unchanged"; key: CollectorKey }
  | { outcome: "conflict"; active: CollectorKey }
  | { outcome: "revoked"; key: CollectorKey };

/**
 * Registers `publicKey` for `collectorId`. Same key again: unchanged.
 * Another key while one is active: conflict (an admin revokes first). A key
 * that was revoked stays revoked: registering it again is refused.
 */
export async function registerCollectorKey(
  store: Store,
  input: { collectorId: string; publicKey: string; registeredBy: string },
): Promise<Registration> {
  const collectorId = z.string().min(1).max(256).parse(input.collectorId);
  const publicKey = canonicalPublicKey(input.publicKey);
  const keys = await listCollectorKeys(store, collectorId);
  const same = keys.find((k) => k.publicKey === publicKey);
  if (same !== undefined) return same.revokedAt === null ? { outcome: "unchanged", key: same } : { outcome: "revoked", key: same };
  const active = activeKey(keys);
  if (active !== undefined) return { outcome: "conflict", active };
  const now = new Date().toISOString();
  const key: CollectorKey = { collectorId, publicKey, registeredAt: now, registeredBy: input.registeredBy, revokedAt: null, version: 1 };
  await insertRows(store, {
    table: "collector_keys",
    rows: [{ collector_id: collectorId, public_key: publicKey, registered_at: now, registered_by: input.registeredBy, revoked_at: null, version: 1 }],
  });
  return { outcome: "registered", key };
}

/** Revokes the collector's active keys (or only `publicKey`); returns the keys revoked now. */
export async function revokeCollectorKeys(store: Store, collectorId: string, publicKey?: string): Promise<CollectorKey[]> {
  const only = publicKey === undefined ? undefined : canonicalPublicKey(publicKey);
  const targets = (await listCollectorKeys(store, collectorId)).filter((k) => k.revokedAt === null && (only === undefined || k.publicKey === only));
  if (targets.length === 0) return [];
  const revokedAt = new Date().toISOString();
  await insertRows(store, {
    table: "collector_keys",
    rows: targets.map((k) => ({
      collector_id: k.collectorId,
      public_key: k.publicKey,
      registered_at: k.registeredAt,
      registered_by: k.registeredBy,
      revoked_at: revokedAt,
      version: k.version + 1,
    })),
  });
  return targets.map((k) => ({ ...k, revokedAt, version: k.version + 1 }));
}
