import { describe, expect, it } from "vitest";
import { makeEvent } from "../../test/factories/events";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { postEvents, storedIds, useGatewayFixture } from "./testing";
import { isLoopback } from "./authorize";


const fx = useGatewayFixture();
const serve = fx.serve;

const post = postEvents;

describe("gateway API keys", () => {
  it("lets local processes post without a key by default, and no one when keys are required", async () => {
    const open = await serve("loopback-exempt");
    const event = makeEvent();
    expect((await post(open.url, [event])).status).toBe(200);
    const strict = await serve("required");
    const refused = await post(strict.url, [makeEvent()]);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("Bearer");
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining("prodtrail keys create") });
  });

  it("accepts a valid key, refuses a tampered or revoked one, and stores nothing refused", async () => {
    const strict = await serve("required");
    const { token, info } = await createApiKey(fx.store, { name: "web-01", createdBy: "test" });
    const good = makeEvent({ collector_id: "web-01" });
    expect((await post(strict.url, [good], token)).status).toBe(200);
    const tampered = makeEvent({ collector_id: "web-01" });
    expect((await post(strict.url, [tampered], `${token.slice(0, -2)}xx`)).status).toBe(401);
    await revokeApiKey(fx.store, info.keyId, "test");
    // Revocation takes effect once the 10 s lookup cache expires; a fresh server has an empty cache.
    const fresh = await serve("required");
    const afterRevoke = makeEvent({ collector_id: "web-01" });
    expect((await post(fresh.url, [afterRevoke], token)).status).toBe(401);
    expect(await storedIds(fx.store, [good, tampered, afterRevoke])).toEqual([good.event_id]);
  });

  it("refuses events that name another collector than the key's", async () => {
    const strict = await serve("required");
    const { token } = await createApiKey(fx.store, { name: "web-02", createdBy: "test" });
    const mine = makeEvent({ collector_id: "web-02", host: "web-02" });
    const forged = makeEvent({ collector_id: "db-01", host: "web-02" });
    const res = await post(strict.url, [mine, forged], token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ rejected: [{ index: 1, issues: [{ field: "events[1].collector_id" }] }] });
    expect(await storedIds(fx.store, [mine, forged])).toEqual([]);
  });

  it("recognises loopback addresses only", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(a)).toBe(true);
    for (const a of ["10.0.0.1", "::ffff:10.0.0.1", "192.168.1.127", "fe80::1", undefined]) expect(isLoopback(a)).toBe(false);
  });
});
