/**
 * Size limits for every field of the v1 envelope. They bound what one event
 * can cost the store and the dashboard: a 100 kB command line must not become
 * a 100 kB table cell rendered in a browser. Numbers are UTF-16 code units
 * (JavaScript string length), a close upper bound of characters.
 */
export const LIMITS = {
  /** event_id: hex digests are 64; external ids (Vault request ids, k8s audit ids) fit 128. */
  id: 128,
  /** Names of people, hosts, services: DNS names are at most 253. */
  name: 256,
  /** Enum-like free strings (env, team, op). */
  short: 64,
  /** Paths: Linux PATH_MAX is 4096. */
  path: 4096,
  /** Redacted command lines; longer ones are cut by collectors and marked. */
  command: 8192,
  /** The bounded, redacted source line or object. */
  raw: 16_384,
  /** Free text such as a failure reason or an acceptance note. */
  text: 2048,
  /** labels: at most 32 keys. */
  labelKeys: 32,
  labelKey: 64,
  labelValue: 256,
  /** files touched by one commit; larger commits are split into several events. */
  files: 5000,
  /** parents of a commit (octopus merges stay far below this). */
  parents: 16,
  /** Hex digests: git blob SHA-1 is 40, SHA-256 is 64. */
  digest: 64,
  /** Ed25519 signature, base64: 88. */
  signature: 128,
} as const;

/** Limits of one batch posted to the gateway (POST /api/v1/events). */
export const BATCH_LIMITS = {
  maxEvents: 5000,
  /** Request body bytes; beyond this the gateway answers 413 without parsing. */
  maxBodyBytes: 8 * 1024 * 1024,
} as const;
