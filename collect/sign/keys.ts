import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdir, open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDir, isErrno, writeFileDurably } from "../../lib/durable-file";
import { KeyPermissionError, SignError } from "./errors";

/**
 * The collector's Ed25519 identity. Generated on first run under the state
 * dir: `collector.key` (PKCS#8 PEM, mode 0600) and `collector.pub` (SPKI
 * PEM). The public half is registered with the server (`publicKeyPem` or
 * `publicKeyRaw`, the 32 raw bytes in base64).
 */
export interface CollectorKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** The 32-byte Ed25519 public key, base64 (44 characters). */
  publicKeyRaw: string;
}

export const PRIVATE_KEY_FILE = "collector.key";
export const PUBLIC_KEY_FILE = "collector.pub";

export async function loadOrCreateKeys(stateDir: string): Promise<CollectorKeys> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const keyPath = join(stateDir, PRIVATE_KEY_FILE);
  let pem: string;
  try {
    const st = await stat(keyPath);
    // 0o077: any bit for group or others. A key others can read is not this collector's alone.
    if ((st.mode & 0o077) !== 0) throw new KeyPermissionError(keyPath, st.mode);
    pem = await readFile(keyPath, "utf8");
  } catch (err) {
    if (!isErrno(err, "ENOENT")) throw err;
    pem = await createKey(keyPath);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new SignError(`private key ${keyPath} is not a PEM private key: ${String(err)}`, { path: keyPath });
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new SignError(`private key ${keyPath} is ${privateKey.asymmetricKeyType ?? "unknown"}, expected ed25519`, { path: keyPath });
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  await writeFileDurably(join(stateDir, PUBLIC_KEY_FILE), publicKeyPem, 0o644);
  return { privateKey, publicKey, publicKeyPem, publicKeyRaw: rawPublicKey(publicKey) };
}

async function createKey(keyPath: string): Promise<string> {
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  // "wx": never overwrite a key another process created meanwhile; 0600 from the first byte.
  const fh = await open(keyPath, "wx", 0o600);
  try {
    await fh.writeFile(pem);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsyncDir(join(keyPath, ".."));
  return pem;
}

/** The raw 32 bytes of an Ed25519 public key, base64: the tail of its 44-byte SPKI DER. */
export function rawPublicKey(publicKey: KeyObject): string {
  const der = publicKey.export({ type: "spki", format: "der" });
  return der.subarray(der.length - 32).toString("base64");
}

/** A public key from PEM (SPKI) or from the raw 32 bytes in base64, as registered with the server. */
export function importPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) return createPublicKey(trimmed);
  const raw = Buffer.from(trimmed, "base64");
  if (raw.length !== 32) throw new SignError(`public key must be PEM or 32 raw bytes in base64, got ${raw.length} bytes`);
  // SPKI DER prefix for Ed25519 (RFC 8410): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }.
  const prefix = Buffer.from("302a300506032b6570032100", "hex");
  return createPublicKey({ key: Buffer.concat([prefix, raw]), format: "der", type: "spki" });
}
