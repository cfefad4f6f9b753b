import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { signValue, verifyValue } from "./signed-cookie";

const key = randomBytes(32);
const schema = z.object({ state: z.string() });

describe("signed cookie values", () => {
  it("round-trips within its lifetime", () => {
    const value = signValue({ state: "abc" }, key, 60_000, 1000);
    expect(verifyValue(value, key, schema, 2000)).toMatchObject({ state: "abc" });
  });

  it("refuses expired, tampered, foreign-key and malformed values", () => {
    const value = signValue({ state: "abc" }, key, 60_000, 1000);
    expect(verifyValue(value, key, schema, 61_001)).toBeUndefined();
    const [body, mac] = value.split(".");
    const forged = `${Buffer.from(JSON.stringify({ state: "evil", exp: 9e15 })).toString("base64url")}.${mac}`;
    expect(verifyValue(forged, key, schema, 2000)).toBeUndefined();
    expect(verifyValue(value, randomBytes(32), schema, 2000)).toBeUndefined();
    expect(verifyValue(`${body}`, key, schema, 2000)).toBeUndefined();
    expect(verifyValue(undefined, key, schema, 2000)).toBeUndefined();
    expect(verifyValue(signValue({ other: 1 }, key, 60_000, 1000), key, schema, 2000)).toBeUndefined();
  });
});
