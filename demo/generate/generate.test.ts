import { beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, CHANNELS, parseEvent, SERVER_ONLY_CHANNELS, serverOnlyIssues } from "../../schemas";
import { DemoGenerator, type DemoEvent } from "./index";

const NOW = new Date("2026-11-22T02:00:00.000Z");

function generate(seed: number, days = 14, now = NOW): { events: DemoEvent[]; generator: DemoGenerator } {
  const generator = new DemoGenerator({ seed, now, backfillDays: days });
  const events: DemoEvent[] = [];
  for (const batch of generator.backfill()) events.push(...batch.events);
  return { events, generator };
}

describe("demo generator", () => {
  let events: DemoEvent[];
  let generator: DemoGenerator;
  beforeAll(() => {
    ({ events, generator } = generate(42));
  });

  it("is deterministic for a seed and anchor, and differs across seeds", () => {
    const again = generate(42, 2).events.slice(0, 2000).map(canonicalJson);
    const first = generate(42, 2).events.slice(0, 2000).map(canonicalJson);
    expect(again).toEqual(first);
    expect(again.length).toBe(2000);
    const other = generate(7, 2).events.slice(0, 2000).map(canonicalJson);
    expect(other).not.toEqual(first);
  });

  it("makes every event valid under schemas/ and clearly labelled as demo data", () => {
    const bad: string[] = [];
    for (const event of events) {
      const result = parseEvent(event);
      if (!result.ok) bad.push(`${event.type}: ${JSON.stringify(result.issues)}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    for (const event of events) {
      expect(["demo-prod", "demo-staging"]).toContain(event.env);
      expect(event.labels).toEqual({ demo: "true", demo_seed: "42" });
    }
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });

  it("posts oldest first, within the window, in 50k–150k events for 14 days", () => {
    expect(events.length).toBeGreaterThan(50_000);
    expect(events.length).toBeLessThan(150_000);
    const times = events.map((e) => Date.parse(e.occurred_at));
    for (let i = 1; i < times.length; i += 1) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] ?? 0);
    expect(times[0]).toBeGreaterThanOrEqual(generator.start);
    expect(times[times.length - 1]).toBeLessThan(NOW.getTime());
  });

  it("covers every channel of the design and the event types of the fleet", () => {
    const channels = new Set(events.map((e) => e.channel));
    // The dashboard's own channel is the server's to write (schemas/server-only.ts), never the fleet's.
    expect([...CHANNELS].filter((c) => !channels.has(c) && !SERVER_ONLY_CHANNELS.has(c))).toEqual([]);
    expect(events.filter((e) => serverOnlyIssues(e).length > 0)).toEqual([]);
    const types = new Set(events.map((e) => e.type));
    for (const type of ["access.login", "access.login_failed", "access.logout", "access.privilege", "access.exec", "access.grant", "change.file", "change.package", "change.k8s", "change.db", "codebase.commit", "deploy.release"]) {
      expect(types).toContain(type);
    }
    const failed = events.filter((e) => e.type === "access.login_failed");
    expect(failed.filter((e) => e.actor_kind === "unknown" && e.source_ip?.startsWith("203.0.113.")).length).toBeGreaterThan(100);
    expect(failed.some((e) => e.actor_kind === "human")).toBe(true);
  });

  it("uses break-glass only during the incident, with a ticket and grant on every such event", () => {
    const incident = generator.truth().incident;
    expect(incident).toBeDefined();
    const from = Date.parse(incident?.from ?? "");
    const to = Date.parse(incident?.to ?? "");
    const glass = events.filter((e) => e.break_glass === true || e.channel === "break-glass");
    expect(glass.length).toBeGreaterThan(10);
    for (const e of glass) {
      const t = Date.parse(e.occurred_at);
      expect(t >= from && t <= to, `${e.type} at ${e.occurred_at}`).toBe(true);
      expect(e.ticket).toBe(incident?.ticket);
      expect(e.grant_id).toMatch(/^bg-/);
    }
    const grants = events.filter((e) => e.type === "access.grant" && e.channel === "break-glass");
    expect(grants.length).toBe(3);
  });

  it("deploys only commits that exist in the generated history, after they were made", () => {
    const commits = new Map<string, number>();
    for (const e of events) if (e.type === "codebase.commit") commits.set(`${e.repo}:${e.commit}`, Date.parse(e.occurred_at));
    const deploys = events.filter((e) => e.type === "deploy.release");
    expect(deploys.length).toBeGreaterThan(100);
    for (const d of deploys) {
      if (d.type !== "deploy.release") continue;
      const made = commits.get(`${d.repo}:${d.commit}`);
      expect(made, `${d.repo}@${d.commit}`).toBeDefined();
      expect(made ?? Infinity).toBeLessThanOrEqual(Date.parse(d.occurred_at));
    }
  });

  it("keeps every host file's history consistent: each change starts from the previous one's content", () => {
    const onHost = new Map<string, string>();
    let checked = 0;
    for (const e of events) {
      if (e.type !== "change.file") continue;
      const key = `${e.host}|${e.path}`;
      const previous = onHost.get(key);
      if (previous !== undefined) {
        expect(e.before_hash, `${key} at ${e.occurred_at}`).toBe(previous);
        checked += 1;
      }
      if (e.after_hash) onHost.set(key, e.after_hash);
    }
    expect(checked).toBeGreaterThan(100);
  });
});
