import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreSink } from "../ingest/gateway/store-sink";
import { problemFinding, upsertFindings } from "../ingest/integrity/findings";
import { createLogger } from "../lib/log";
import { serverOnlyIssues } from "../schemas";
import { insertEvents } from "../store/events";
import { makeEvent } from "../test/factories/events";
import { openTestStore, type TestStore } from "../test/store";
import { findingsByIdQuery } from "./finding-rows";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "./load";
import { runRound } from "./scheduler";
import { listSuppressions } from "./suppressions";
import { createSuppression, revokeSuppression, triageFinding, TriageError } from "./triage";
import { TRIAGE_RESOURCE_PREFIX } from "./triage-event";

const rules = loadRuleFiles([BUILTIN_RULES_DIR]).filter((r) => r.id === "prodtrail-interactive-root-shell");
const log = createLogger("test", "silent");
const config = { overlap_seconds: 300, max_backfill_hours: 24, max_window_minutes: 60, initial_lookback_minutes: 60 };
const analyst = { actorId: "ana@example.com", attributionMethod: "dashboard-session" as const, sessionId: "sess-1", host: "prodtrail" };

let store: TestStore;
let sink: StoreSink;
beforeAll(async () => {
  store = await openTestStore();
  sink = new StoreSink(store);
});
afterAll(async () => store.drop());

const shell = (actor: string, host: string, occurred: string) => makeEvent({ type: "access.privilege", channel: "sudo", effective_user: "root", command: "/bin/bash", actor_id: actor, host, occurred_at: occurred });
const triageRecords = async () =>
  (await store.client.query({ query: `SELECT resource, actor_id, labels['triage'] AS triage, reason FROM ${store.tables.events} WHERE startsWith(resource, {p:String}) ORDER BY occurred_at`, query_params: { p: TRIAGE_RESOURCE_PREFIX }, format: "JSONEachRow" })).json<{ resource: string; actor_id: string; triage: string; reason: string }>();

describe("findings triage", () => {
  it("open → acknowledged → resolved with assignee and note, each step an audited server-only record", async () => {
    await insertEvents(store, [shell("bob", "web-1", "2026-03-02T10:00:00.000Z")], "2026-03-02T10:00:00.000Z");
    const [finding] = (await runRound({ store, rules, config, worker: "t", log }, new Date("2026-03-02T10:01:00Z"))).created;
    if (!finding) throw new Error("no finding");
    expect(finding.status).toBe("open");
    await triageFinding(store, sink, analyst, { findingId: finding.finding_id, action: "assign", assignee: "sec@example.com" });
    await triageFinding(store, sink, analyst, { findingId: finding.finding_id, action: "acknowledge" });
    await expect(triageFinding(store, sink, analyst, { findingId: finding.finding_id, action: "resolve" })).rejects.toThrow(TriageError);
    await triageFinding(store, sink, analyst, { findingId: finding.finding_id, action: "resolve", note: "planned maintenance, CHG-7" });
    await expect(triageFinding(store, sink, analyst, { findingId: finding.finding_id, action: "acknowledge" })).rejects.toThrow("a resolved finding cannot be acknowledged");
    const [stored] = await findingsByIdQuery(store, { ids: [finding.finding_id] });
    expect(stored).toMatchObject({ status: "resolved", assignee: "sec@example.com", note: "planned maintenance, CHG-7" });
    const records = await triageRecords();
    expect(records.map((r) => r.triage)).toEqual(["assign", "acknowledge", "resolve"]);
    expect(records.every((r) => r.actor_id === analyst.actorId && r.resource.endsWith(finding.finding_id))).toBe(true);
    // the same record from a collector or API key is refused at every entry point
    expect(serverOnlyIssues({ type: "access.login", resource: records[0]?.resource }).map((i) => i.field)).toEqual(["resource"]);
    // a later round seeing the same event again never reopens it
    await runRound({ store, rules, config, worker: "t", log }, new Date("2026-03-02T10:02:00Z"));
    expect((await findingsByIdQuery(store, { ids: [finding.finding_id] }))[0]?.status).toBe("resolved");
  });

  it("a suppression silences matching future findings until revoked, is listed, and leaves others alone", async () => {
    const s = await createSuppression(store, sink, analyst, { ruleId: "prodtrail-interactive-root-shell", host: "db-9", reason: "db-9 is the DBA jump host", days: 7 }, new Date("2026-03-03T09:00:00Z"));
    await expect(createSuppression(store, sink, analyst, { ruleId: "prodtrail-interactive-root-shell", reason: "too noisy", days: 7 })).rejects.toThrow(/name an actor, a host or a source address/);
    expect((await listSuppressions(store)).map((x) => x.suppression_id)).toContain(s.suppression_id);
    await runRound({ store, rules, config, worker: "t", log }, new Date("2026-03-03T10:00:00Z"));
    await insertEvents(store, [shell("carol", "db-9", "2026-03-03T10:00:10.000Z"), shell("carol", "db-8", "2026-03-03T10:00:10.000Z")], "2026-03-03T10:00:20.000Z");
    const round = await runRound({ store, rules, config, worker: "t", log }, new Date("2026-03-03T10:01:00Z"));
    expect(round.created.map((f) => f.host)).toEqual(["db-8"]);
    expect(round.rules[0]?.suppressed).toBe(1);
    await revokeSuppression(store, sink, analyst, s.suppression_id, "jump host retired", new Date("2026-03-03T10:02:00Z"));
    await insertEvents(store, [shell("dave", "db-9", "2026-03-03T11:00:10.000Z")], "2026-03-03T11:00:20.000Z");
    const after = await runRound({ store, rules, config, worker: "t", log }, new Date("2026-03-03T11:01:00Z"));
    expect(after.created.map((f) => [f.actor_id, f.host])).toEqual([["dave", "db-9"]]);
    expect((await triageRecords()).filter((r) => r.resource.endsWith(s.suppression_id)).map((r) => r.triage)).toEqual(["suppress", "unsuppress"]);
  });

  it("integrity findings are in the same queue and triaged the same way", async () => {
    const event = makeEvent({ collector_id: "web-1", seq: 4 });
    const f = problemFinding({ kind: "gap", collectorId: "web-1", seq: 4, gapEnd: 6, event });
    await upsertFindings(store, [f], new Map());
    const acked = await triageFinding(store, sink, analyst, { findingId: f.finding_id, action: "acknowledge", note: "collector restarted" });
    expect(acked).toMatchObject({ detector: "integrity", status: "acknowledged", rule_id: "" });
  });
});
