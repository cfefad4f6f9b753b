import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { canonicalPublicKey, listCollectorKeys, registerCollectorKey, revokeCollectorKeys } from "../store/collector-keys";
import { createEnrolment } from "../ingest/auth/enrolment";
import type { Store } from "../store/open";
import { openConfiguredStore } from "./open-store";
import { CONFIG_OPTION, parseCommandArgs, UsageError } from "./usage";

const USAGE = `usage: prodtrail collectors list [--json]
       prodtrail collectors enroll COLLECTOR_ID [--ttl 24h]
       prodtrail collectors register COLLECTOR_ID (PUBLIC_KEY | --file collector.pub) [--replace]
       prodtrail collectors revoke COLLECTOR_ID [--key PUBLIC_KEY]

Collectors' Ed25519 public keys, which ingest verifies their signed events
with. Collectors register their own key on first run, presenting a one-time
enrolment token from 'enroll' (collect.sink.enrolment_token; it expires after
--ttl, default 24h, units ms/s/m/h/d); replacing a key is an admin act: 'revoke' the old one (or 'register --replace', which revokes the
active key and registers the new one). PUBLIC_KEY is PEM or the 32 raw bytes
in base64. Embedded mode: run while 'prodtrail serve' is stopped, or against
CLICKHOUSE_URL.`;

const OPTIONS = { ...CONFIG_OPTION, ttl: { type: "string" }, file: { type: "string" }, key: { type: "string" }, replace: { type: "boolean" }, json: { type: "boolean" } } as const;

export async function runCollectorsCommand(argv: string[], deps: { store?: Store; print?: (line: string) => void } = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE, true);
  const print = deps.print ?? ((line: string) => console.log(line));
  if (values.help) {
    print(USAGE);
    return 0;
  }
  const [action, collectorId, keyArg] = positionals;
  if (action !== "list" && action !== "enroll" && action !== "register" && action !== "revoke") throw new UsageError("expected list, enroll, register or revoke", USAGE);
  if (action !== "list" && collectorId === undefined) throw new UsageError(`${action} needs a COLLECTOR_ID`, USAGE);
  const publicKey = action === "register" ? (keyArg ?? (values.file !== undefined ? await readFile(values.file, "utf8") : undefined)) : undefined;
  if (action === "register" && publicKey === undefined) throw new UsageError("register needs a PUBLIC_KEY or --file", USAGE);
  if (publicKey !== undefined) {
    try {
      canonicalPublicKey(publicKey);
    } catch (error) {
      throw new UsageError(`PUBLIC_KEY is not an Ed25519 public key (PEM or 32 raw bytes in base64): ${error instanceof Error ? error.message : String(error)}`, USAGE);
    }
  }
  const ttl = action === "enroll" ? parseTtl(values.ttl ?? "24h") : undefined;
  if (action === "enroll" && !COLLECTOR_ID.test(collectorId ?? "")) throw new UsageError("COLLECTOR_ID: letters, digits, '.', '_', '-' (max 128), starting with a letter or digit", USAGE);
  const store = deps.store ?? (await openConfiguredStore(values.config));
  const actor = `cli:${userInfo().username}`;
  try {
    if (action === "list") {
      const keys = await listCollectorKeys(store);
      if (values.json === true) print(JSON.stringify(keys, null, 2));
      else if (keys.length === 0) print("no collector keys registered");
      else for (const k of keys) print(`${k.collectorId.padEnd(24)} ${k.publicKey}  ${k.revokedAt !== null ? `revoked ${k.revokedAt}` : `active since ${k.registeredAt}`} (${k.registeredBy})`);
      return 0;
    }
    const id = collectorId ?? "";
    if (action === "enroll") {
      const { token, enrolment } = await createEnrolment(store, { collectorId: id, createdBy: actor, ttlMs: ttl });
      print(`enrolment token for collector ${id} (one use, expires ${enrolment.expiresAt}; shown once):`);
      print(token);
      print("put it in the collector's config as collect.sink.enrolment_token; it is needed only until the collector's key is registered");
      return 0;
    }
    if (action === "revoke") {
      const revoked = await revokeCollectorKeys(store, id, values.key);
      if (revoked.length === 0) {
        print(`collector ${id} has no active key${values.key !== undefined ? " matching --key" : ""}; nothing revoked`);
        return 1;
      }
      for (const k of revoked) print(`revoked ${k.publicKey} of collector ${id}`);
      return 0;
    }
    if (values.replace === true) for (const k of await revokeCollectorKeys(store, id)) print(`revoked ${k.publicKey} of collector ${id}`);
    const result = await registerCollectorKey(store, { collectorId: id, publicKey: publicKey ?? "", registeredBy: actor });
    if (result.outcome === "conflict") {
      print(`collector ${id} already has an active key ${result.active.publicKey}; pass --replace to revoke it and register this one`);
      return 1;
    }
    if (result.outcome === "revoked") {
      print(`this key was revoked for collector ${id} at ${result.key.revokedAt ?? "?"}; a revoked key is never accepted again`);
      return 1;
    }
    print(`${result.outcome === "registered" ? "registered" : "already registered:"} ${result.key.publicKey} for collector ${id}`);
    return 0;
  } finally {
    if (deps.store === undefined) await store.close();
  }
}

// Same rule as collect.collector_id (config/collect.ts) and the register endpoint.
const COLLECTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const TTL_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `30m`, `7d` → milliseconds; a clear UsageError for anything else. */
function parseTtl(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  const unit = match?.[2] === undefined ? undefined : TTL_UNITS[match[2]];
  const ms = match?.[1] === undefined || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > 30 * 86_400_000) throw new UsageError(`--ttl must be a duration such as 24h, 30m or 7d (at most 30d), got '${text}'`, USAGE);
  return ms;
}
