import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { strengthProblem } from "./password-strength";

/**
 * Password hashing with scrypt (node:crypto, no native add-on).
 *
 * Cost N=2^15, r=8, p=1: 128·N·r = 32 MiB of memory per hash and about
 * 130 ms on this project's 2-core CI machine while five other jobs ran
 * (2^14: 78 ms, 2^16: 300 ms) — OWASP's 2023 floor is N=2^17 at r=8 for
 * servers with headroom; 2^15 keeps a sign-in under a quarter second on the
 * small boxes embedded mode targets, and an attacker with a leaked table
 * still pays 32 MiB per guess. The parameters are stored with each hash
 * (`scrypt$N$r$p$salt$hash`), so raising them later only needs
 * `needsRehash` on the next sign-in.
 */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** Node's default maxmem is 32 MiB, exactly the need at N=2^15; 4× leaves room for stored hashes made with a higher N. */
const MAX_MEM = 4 * 128 * SCRYPT_COST.N * SCRYPT_COST.r;
/** Passwords longer than this are refused rather than hashed (no one types 1 kB; it bounds the work per request). */
export const MAX_PASSWORD_LENGTH = 1024;
export const MIN_PASSWORD_LENGTH = 12;

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export class WeakPasswordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WeakPasswordError";
  }
}

/**
 * Why a new password is refused, or undefined when it is acceptable: its
 * length, then its guessability (password-strength.ts). `related` is the
 * account's email and name, the first guesses against it.
 */
export function passwordProblem(password: string, related: readonly string[] = []): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `the password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `the password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return strengthProblem(password, related);
}

/** Hashes a new password; throws WeakPasswordError naming why when passwordProblem refuses it. */
export async function hashPassword(password: string, related: readonly string[] = []): Promise<string> {
  const problem = passwordProblem(password, related);
  if (problem) throw new WeakPasswordError(problem);
  return hashUnchecked(password);
}

async function hashUnchecked(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT_COST;
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N, r, p, maxmem: MAX_MEM });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/**
 * Constant-time check of a password against a stored hash. A malformed or
 * empty stored value (an OpenID-only user) never verifies.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (!match || password.length > MAX_PASSWORD_LENGTH) return false;
  const [, n, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? "", "base64url");
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: Math.max(MAX_MEM, 2 * 128 * Number(n) * Number(r)) };
  const actual = await scryptAsync(password, Buffer.from(salt ?? "", "base64url"), expected.length, options);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash made with other parameters than today's: re-hash after a successful sign-in. */
export function needsRehash(stored: string): boolean {
  const match = STORED.exec(stored);
  return !match || Number(match[1]) !== SCRYPT_COST.N || Number(match[2]) !== SCRYPT_COST.r || Number(match[3]) !== SCRYPT_COST.p;
}

/**
 * A stored value that no password matches, with today's cost: checking a
 * password for an unknown email against it takes as long as for a real
 * user, so the response time does not reveal which emails exist.
 */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashUnchecked(randomBytes(24).toString("base64url"));
  return dummy;
}

/** A password for the initial admin: 24 characters of base64url, 144 bits. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}
