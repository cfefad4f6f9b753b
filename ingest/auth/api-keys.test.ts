import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/store";
import { ApiKeyNotFoundError, cachedKeyLookup, checkToken, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store.drop());

describe("API keys", () => {
  it("accepts a fresh key and stores only a hash of its secret", async () => {
    const { token, info } = await createApiKey(store, { name: "collector-web-01", createdBy: "test" });
    expect(token).toMatch(/^ptk_[0-9a-f]{16}_/);
    const secret = token.split("_").slice(2).join("_");
    const raw = await store.client.query({ query: `SELECT * FROM ${store.tables.api_keys}`, format: "JSONEachRow" });
    expect(JSON.stringify(await raw.json())).not.toContain(secret);
    const lookup = cachedKeyLookup(store, 0);
    expect(await checkToken(token, "events:write", lookup)).toEqual({ ok: true, key: info });
  });

  it("refuses malformed, unknown, wrong-secret and out-of-scope tokens", async () => {
    const { token } = await createApiKey(store, { name: "c2", createdBy: "test" });
    const lookup = cachedKeyLookup(store, 0);
    expect(await checkToken("Bearer nonsense", "events:write", lookup)).toEqual({ ok: false, reason: "malformed" });
    expect(await checkToken(`ptk_${"0".repeat(16)}_${"A".repeat(43)}`, "events:write", lookup)).toEqual({ ok: false, reason: "unknown" });
    const tampered = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    expect(await checkToken(tampered, "events:write", lookup)).toEqual({ ok: false, reason: "bad-secret" });
    expect(await checkToken(token, "keys:register", lookup)).toEqual({ ok: false, reason: "scope" });
  });

  it("revokes a key so it no longer authenticates, and lists it as revoked", async () => {
    const { token, info } = await createApiKey(store, { name: "c3", createdBy: "test" });
    const revoked = await revokeApiKey(store, info.keyId, "admin");
    expect(revoked.revokedAt).not.toBeNull();
    expect(await checkToken(token, "events:write", cachedKeyLookup(store, 0))).toEqual({ ok: false, reason: "revoked" });
    const listed = (await listApiKeys(store)).find((k) => k.keyId === info.keyId);
    expect(listed?.revokedAt).toBe(revoked.revokedAt);
    await expect(revokeApiKey(store, "ffffffffffffffff", "admin")).rejects.toBeInstanceOf(ApiKeyNotFoundError);
  });
});
