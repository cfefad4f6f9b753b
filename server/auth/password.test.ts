import { describe, expect, it } from "vitest";
import { SCRYPT_COST, WeakPasswordError, dummyHash, generatePassword, hashPassword, needsRehash, passwordProblem, verifyPassword } from "./password";

describe("password hashing (scrypt)", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(new RegExp(`^scrypt\\$${SCRYPT_COST.N}\\$8\\$1\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterx", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash: the same password hashes differently twice", async () => {
    const [a, b] = await Promise.all([hashPassword("same password here"), hashPassword("same password here")]);
    expect(a).not.toBe(b);
  });

  it("never verifies against an empty, malformed or dummy stored value", async () => {
    expect(await verifyPassword("anything at all", "")).toBe(false);
    expect(await verifyPassword("anything at all", "plain:anything at all")).toBe(false);
    expect(await verifyPassword("anything at all", await dummyHash())).toBe(false);
  });

  it("verifies hashes made with other parameters, and asks for a re-hash", async () => {
    // A hash written by hand with N=2^10: what an older release with a lower cost left behind.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("legacy password!", salt, 32, { N: 1024, r: 8, p: 1 });
    const legacy = `scrypt$1024$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
    expect(await verifyPassword("legacy password!", legacy)).toBe(true);
    expect(needsRehash(legacy)).toBe(true);
    expect(needsRehash(await hashPassword("a current password"))).toBe(false);
  });

  it("refuses short and absurdly long passwords with a reason", async () => {
    expect(passwordProblem("short")).toContain("at least 12");
    expect(passwordProblem("x".repeat(2000))).toContain("at most 1024");
    await expect(hashPassword("short")).rejects.toBeInstanceOf(WeakPasswordError);
    expect(await verifyPassword("x".repeat(2000), await hashPassword("long enough, and not guessable"))).toBe(false);
  });

  it("refuses trivially weak passwords of any length, saying why (issue #9: aaaaaaaaaaaa was accepted)", async () => {
    expect(passwordProblem("aaaaaaaaaaaa")).toMatch(/too easy to guess.*repeat/);
    expect(passwordProblem("password1234")).toMatch(/too easy to guess.*common password/);
    expect(passwordProblem("qwertyuiop123")).toMatch(/too easy to guess/);
    expect(passwordProblem("abcdefghijklmnop")).toMatch(/too easy to guess.*sequence/);
    // The account's own email is a guess an attacker makes first.
    expect(passwordProblem("mallory.jones@example.com", ["mallory.jones@example.com"])).toMatch(/too easy to guess.*email or name/);
    await expect(hashPassword("aaaaaaaaaaaa")).rejects.toThrow(WeakPasswordError);
    expect(passwordProblem("four unrelated words: violet tram cactus")).toBeUndefined();
  });

  it("generates initial passwords that pass its own policy", () => {
    const password = generatePassword();
    expect(password).toHaveLength(24);
    expect(passwordProblem(password)).toBeUndefined();
  });
});
