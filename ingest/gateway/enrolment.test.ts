import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { rawPublicKey } from "../../collect/sign";
import { runCollectorsCommand } from "../../cli/collectors";
import { listCollectorKeys, revokeCollectorKeys } from "../../store/collector-keys";
import { defineQuery } from "../../store/query";
import { REGISTER_PATH } from "./register";
import { useGatewayFixture } from "./testing";

/**
 * Class 3 of issue 9, key squatting: the first signing key of a collector
 * is registered only with a one-time, expiring enrolment token an admin
 * issued for that collector id (`prodtrail collectors enroll <id>`).
 */
const fx = useGatewayFixture();

function register(url: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}${REGISTER_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const newKey = () => rawPublicKey(generateKeyPairSync("ed25519").publicKey);

/** `prodtrail collectors enroll …` in this process over the test's store; returns the printed token. */
async function enroll(...args: string[]): Promise<string> {
  const lines: string[] = [];
  expect(await runCollectorsCommand(["enroll", ...args], { store: fx.store, print: (l) => lines.push(l) })).toBe(0);
  const token = lines.join("\n").match(/\bpte_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\b/)?.[0];
  if (token === undefined) throw new Error(`no enrolment token printed: ${lines.join("\n")}`);
  return token;
}

const refusals = defineQuery({
  name: "test.enrolment.refusals",
  params: z.object({}),
  row: z.object({ finding_id: z.string() }),
  sql: (t) => `SELECT finding_id FROM ${t.findings} FINAL WHERE startsWith(finding_id, 'integrity-refusal:enrolment:')`,
});

describe("collector enrolment", () => {
  it("refuses squatting a collector id without an enrolment token (403 naming the field), records it, and the real enrolment still works", async () => {
    const { url } = await fx.serve("loopback-exempt");
    const squat = await register(url, { collector_id: "db-05", public_key: newKey() });
    expect(squat.status).toBe(403);
    expect(await squat.json()).toMatchObject({ error: expect.stringContaining("prodtrail collectors enroll db-05"), issues: [{ field: "enrolment_token" }] });
    expect(await listCollectorKeys(fx.store, "db-05")).toEqual([]);

    const token = await enroll("db-05");
    const real = newKey();
    const enrolled = await register(url, { collector_id: "db-05", public_key: real, enrolment_token: token });
    expect(enrolled.status).toBe(200);
    expect((await listCollectorKeys(fx.store, "db-05")).map((k) => k.publicKey)).toEqual([real]);
    // The same key again needs no token; another key is the 409 it always was.
    expect((await register(url, { collector_id: "db-05", public_key: real })).status).toBe(200);
    expect((await register(url, { collector_id: "db-05", public_key: newKey(), enrolment_token: token })).status).toBe(409);
    for (let i = 0; i < 100 && (await refusals(fx.store, {})).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await refusals(fx.store, {})).toHaveLength(1);
  });

  it("a token is one-time, bound to its collector id, and expires", async () => {
    const { url } = await fx.serve("loopback-exempt");
    const token = await enroll("db-06");
    const other = await register(url, { collector_id: "db-07", public_key: newKey(), enrolment_token: token });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: expect.stringContaining("db-06") });
    expect((await register(url, { collector_id: "db-06", public_key: newKey(), enrolment_token: token })).status).toBe(200);
    await revokeCollectorKeys(fx.store, "db-06");
    const reused = await register(url, { collector_id: "db-06", public_key: newKey(), enrolment_token: token });
    expect(reused.status).toBe(403);
    expect(await reused.json()).toMatchObject({ error: expect.stringContaining("already used") });

    const expired = await enroll("db-08", "--ttl", "1ms");
    await new Promise((r) => setTimeout(r, 5));
    const late = await register(url, { collector_id: "db-08", public_key: newKey(), enrolment_token: expired });
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ error: expect.stringContaining("expired") });
    const garbage = await register(url, { collector_id: "db-08", public_key: newKey(), enrolment_token: "pte_nope" });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ issues: [{ field: "enrolment_token" }] });
  });
});
