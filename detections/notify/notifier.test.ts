import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookSchema } from "../../config/detections";
import { createLogger } from "../../lib/log";
import { insertEvents } from "../../store/events";
import { makeEvent } from "../../test/factories/events";
import { openTestStore, type TestStore } from "../../test/store";
import type { StoredFinding } from "../finding-rows";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "../load";
import { runRound } from "../scheduler";
import { notificationDeadLettersQuery } from "./dead-letters";
import { Notifier } from "./notifier";

/** Webhooks against a real local HTTP server on 127.0.0.1: bodies, retries with backoff, dead letters, and never blocking a round. */
const log = createLogger("test", "silent");
let store: TestStore;
let server: Server;
let base: string;
const received: Array<{ path: string; body: unknown }> = [];
const held: ServerResponse[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  store = await openTestStore();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(text) });
      if (req.url === "/hang") return void held.push(res);
      if (req.url === "/down" || (req.url === "/flaky" && failuresLeft-- > 0)) return void res.writeHead(503).end();
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of held) r.destroy();
  await new Promise((r) => server.close(r));
  await store.drop();
});

const hook = (name: string, path: string, extra: Record<string, unknown> = {}) => webhookSchema.parse({ name, url: `${base}${path}`, min_severity: "low", ...extra });
const finding = (severity: string, id = Math.random().toString(36).slice(2)): StoredFinding => ({
  finding_id: `rule:r:${id}`, detector: "rule", rule_id: "prodtrail-ssh-brute-force", fingerprint: id, severity, title: "12 failed logins from 203.0.113.5 <script>", detail: "d", env: "prod", host: "bastion-1", service: "", actor_id: "root", source_ip: "203.0.113.5", occurred_at: "2026-03-02T10:00:00.000Z", event_ids: ["e1"], tags: ["attack.t1110"], status: "open", assignee: "", note: "", suppressed_by: "", created_at: "2026-03-02T10:01:00.000Z", updated_at: "2026-03-02T10:01:00.000Z", version: 1,
});
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

describe("webhook notifications", () => {
  it("sends generic JSON and a Slack-compatible body, per severity threshold and rule", async () => {
    const n = new Notifier({ store, log, queueLimit: 100, dashboardUrl: "https://prodtrail.example", webhooks: [hook("json", "/json"), hook("slack", "/slack", { format: "slack", min_severity: "high" }), hook("other", "/other", { rules: ["prodtrail-mass-export"] })] });
    n.enqueue([finding("high", "h1"), finding("medium", "m1")]);
    await until(() => n.delivered.length === 3, "three deliveries");
    await n.stop();
    const json = received.filter((r) => r.path === "/json").map((r) => r.body);
    expect(json).toMatchObject([{ kind: "prodtrail.finding", finding_id: "rule:r:h1", severity: "high", source_ip: "203.0.113.5", url: "https://prodtrail.example/findings?finding=rule%3Ar%3Ah1" }, { finding_id: "rule:r:m1" }]);
    const slack = received.filter((r) => r.path === "/slack").map((r) => r.body);
    expect(slack).toHaveLength(1);
    expect(slack[0]).toMatchObject({ text: ":red_circle: [high] 12 failed logins from 203.0.113.5 &lt;script&gt;", blocks: [{ type: "section" }, { type: "section" }] });
    expect(received.some((r) => r.path === "/other")).toBe(false);
  });

  it("retries a failing destination with backoff, then dead-letters it; a flaky one gets through", async () => {
    failuresLeft = 2;
    const n = new Notifier({ store, log, queueLimit: 100, dashboardUrl: "http://x", baseBackoffMs: 10, webhooks: [hook("down", "/down", { max_attempts: 3 }), hook("flaky", "/flaky", { max_attempts: 3 })] });
    n.enqueue([finding("critical", "c1")]);
    await until(() => n.delivered.includes("flaky:rule:r:c1"), "the flaky delivery");
    await until(() => received.filter((r) => r.path === "/down").length === 3, "three attempts at the dead one");
    await n.stop();
    const dead = await notificationDeadLettersQuery(store, { limit: 10 });
    expect(dead).toMatchObject([{ destination: "down", finding_id: "rule:r:c1", attempts: 3, last_error: "HTTP 503" }]);
    expect(received.filter((r) => r.path === "/flaky")).toHaveLength(3);
  });

  it("a destination that never answers does not hold up a detection round", async () => {
    const n = new Notifier({ store, log, queueLimit: 100, dashboardUrl: "http://x", webhooks: [hook("hang", "/hang", { timeout_ms: 60_000, max_attempts: 1 })] });
    const rules = loadRuleFiles([BUILTIN_RULES_DIR]).filter((r) => r.id === "prodtrail-interactive-root-shell");
    const config = { overlap_seconds: 300, max_backfill_hours: 24, max_window_minutes: 60, initial_lookback_minutes: 60 };
    const shell = (actor: string) => makeEvent({ type: "access.privilege", channel: "sudo", effective_user: "root", command: "/bin/bash", actor_id: actor, occurred_at: "2026-03-02T10:00:10.000Z" });
    await insertEvents(store, [shell("a")], "2026-03-02T10:00:20.000Z");
    const first = await runRound({ store, rules, config, worker: "t", log, onFindings: (f) => n.enqueue(f) }, new Date("2026-03-02T10:01:00Z"));
    await until(() => held.length === 1, "the hanging request");
    await insertEvents(store, [shell("b")], "2026-03-02T10:01:20.000Z");
    // the first delivery is still hanging while the next round runs to its end
    const second = await runRound({ store, rules, config, worker: "t", log, onFindings: (f) => n.enqueue(f) }, new Date("2026-03-02T10:02:00Z"));
    expect([first.created.length, second.created.length, held.length, n.delivered.length]).toEqual([1, 1, 1, 0]);
    held[0]?.writeHead(200).end();
    await until(() => held.length === 2, "the second delivery, queued behind the first");
    held[1]?.writeHead(200).end();
    await until(() => n.delivered.length === 2, "both deliveries once released");
    await n.stop();
  });
});
