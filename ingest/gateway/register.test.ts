import { generateKeyPairSync } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rawPublicKey, Signer } from "../../collect/sign";
import { listCollectorKeys, revokeCollectorKeys } from "../../store/collector-keys";
import { createApiKey } from "../auth/api-keys";
import { createEnrolment } from "../auth/enrolment";
import { startIntegrityJob } from "../integrity";
import { makeEvents } from "../../test/factories/events";
import { REGISTER_PATH } from "./register";
import { useGatewayFixture } from "./testing";

/** POST /api/v1/collectors/register through the real `serve` listener on loopback, over the real engine. */

const fx = useGatewayFixture();
const serve = fx.serve;

function register(url: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${url}${REGISTER_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** An admin's one-time enrolment token for a collector's first key (what `prodtrail collectors enroll` issues). */
async function enrol(collectorId: string): Promise<string> {
  return (await createEnrolment(fx.store, { collectorId, createdBy: "test" })).token;
}

function newKey(): { pem: string; raw: string } {
  const { publicKey } = generateKeyPairSync("ed25519");
  return { pem: publicKey.export({ type: "spki", format: "pem" }).toString(), raw: rawPublicKey(publicKey) };
}

describe("POST /api/v1/collectors/register", () => {
  it("stores the first key (200), takes the same key again in the other encoding (200), refuses a different one (409)", async () => {
    const { url } = await serve("loopback-exempt");
    const key = newKey();
    const first = await register(url, { collector_id: "web-01", public_key: key.pem, enrolment_token: await enrol("web-01") });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ collector_id: "web-01", public_key: key.raw, status: "registered" });
    const again = await register(url, { collector_id: "web-01", public_key: key.raw });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "unchanged" });
    const other = await register(url, { collector_id: "web-01", public_key: newKey().pem });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: expect.stringContaining("prodtrail collectors revoke web-01"), active_public_key: key.raw });
    expect((await listCollectorKeys(fx.store, "web-01")).map((k) => k.publicKey)).toEqual([key.raw]);
  });

  it("accepts a new key once the admin revoked the old one, and never the revoked key again", async () => {
    const { url } = await serve("loopback-exempt");
    const old = newKey();
    expect((await register(url, { collector_id: "web-02", public_key: old.raw, enrolment_token: await enrol("web-02") })).status).toBe(200);
    await revokeCollectorKeys(fx.store, "web-02");
    const replacement = newKey();
    expect((await register(url, { collector_id: "web-02", public_key: replacement.pem, enrolment_token: await enrol("web-02") })).status).toBe(200);
    const back = await register(url, { collector_id: "web-02", public_key: old.pem });
    expect(back.status).toBe(409);
    expect(await back.json()).toMatchObject({ error: expect.stringContaining("revoked") });
  });

  it("requires a key when keys are required (401), one named after the collector (403), with a registering scope", async () => {
    const { url } = await serve("required");
    const key = newKey();
    const anonymous = await register(url, { collector_id: "db-01", public_key: key.raw });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");
    const bogus = await register(url, { collector_id: "db-01", public_key: key.raw }, "ptk_0000000000000000_" + "a".repeat(43));
    expect(bogus.status).toBe(401);
    const web = await createApiKey(fx.store, { name: "web-09", createdBy: "test" });
    const foreign = await register(url, { collector_id: "db-01", public_key: key.raw }, web.token);
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: expect.stringContaining("only register the key of collector web-09") });
    const registrar = await createApiKey(fx.store, { name: "db-01", scopes: ["keys:register"], createdBy: "test" });
    expect((await register(url, { collector_id: "db-01", public_key: key.raw, enrolment_token: await enrol("db-01") }, registrar.token)).status).toBe(200);
    const writer = await createApiKey(fx.store, { name: "db-02", scopes: ["events:write"], createdBy: "test" });
    expect((await register(url, { collector_id: "db-02", public_key: newKey().raw, enrolment_token: await enrol("db-02") }, writer.token)).status).toBe(200);
    expect((await listCollectorKeys(fx.store, "db-01")).map((k) => k.registeredBy)).toEqual([`api-key:${registrar.info.keyId}`]);
  });

  it("names what is wrong with a bad body (400) and stores nothing", async () => {
    const { url } = await serve("loopback-exempt");
    const notJson = await register(url, "{collector_id");
    expect(notJson.status).toBe(400);
    const missing = await register(url, { collector_id: "web-03" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ issues: [{ field: "public_key" }] });
    const badId = await register(url, { collector_id: "../etc", public_key: newKey().raw });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ issues: [{ field: "collector_id" }] });
    const shortKey = await register(url, { collector_id: "web-03", public_key: Buffer.alloc(16).toString("base64") });
    expect(shortKey.status).toBe(400);
    expect(await shortKey.json()).toMatchObject({ error: expect.stringContaining("got 16 bytes") });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const wrongType = await register(url, { collector_id: "web-03", public_key: rsa });
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ error: expect.stringContaining("expected ed25519") });
    expect((await fetch(`${url}${REGISTER_PATH}`)).status).toBe(405);
    expect(await listCollectorKeys(fx.store, "web-03")).toEqual([]);
  });

  it("end to end: a collector registers, posts signed events; the tampered one is stored and flagged, the rest verify", async () => {
    const { url } = await serve("loopback-exempt");
    const signer = await Signer.open({ stateDir: await mkdtemp(join(tmpdir(), "register-e2e-")), collectorId: "app-01" });
    expect((await register(url, { collector_id: "app-01", public_key: signer.keys.publicKeyPem, enrolment_token: await enrol("app-01") })).status).toBe(200);
    const events = await signer.append(makeEvents(20, { host: "app-01" }), async (signed) => signed);
    const sent = events.map((e, i) => (i === 7 ? { ...e, actor_id: "mallory" } : e));
    const posted = await fetch(`${url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: sent }) });
    expect(posted.status).toBe(200);
    const job = startIntegrityJob({ store: fx.store, intervalMs: 0, lagMs: 0 });
    const run = await job.runOnce();
    await job.stop();
    const report = run.collectors.find((c) => c.collectorId === "app-01");
    expect(report).toMatchObject({ checked: 20, ok: 19 });
    expect(report?.problems.map((p) => [p.kind, p.seq, p.event.event_id])).toEqual([
      ["bad-signature", 7, events[7]?.event_id],
    ]);
  });
});
