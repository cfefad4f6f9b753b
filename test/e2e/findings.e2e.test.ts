import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema";
import { findingsByIdQuery } from "../../detections/finding-rows";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "../../detections/load";
import { runRound } from "../../detections/scheduler";
import { createLogger } from "../../lib/log";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe, type RunningServe } from "../../server/serve";
import { insertEvents } from "../../store/events";
import { makeEvent, pastTimeClearOfHourBoundary } from "../factories/events";
import { openTestStore, type TestStore } from "../store";

/**
 * The Anomalies page in Chromium against the real `prodtrail serve`: an
 * analyst's queue, a finding's evidence, a triage action, a suppression
 * taking effect on the next round; a viewer's counts-only page.
 */
const SHOTS = join(process.cwd(), "test-artifacts", "screenshots");
const log = createLogger("findings-e2e", "warn");
const tag = randomBytes(3).toString("hex");
const rules = loadRuleFiles([BUILTIN_RULES_DIR]);
const config = { overlap_seconds: 300, max_backfill_hours: 24, max_window_minutes: 60, initial_lookback_minutes: 120 };

let store: TestStore;
let serve: RunningServe;
let browser: Browser;
const contexts: Record<"analyst" | "viewer", BrowserContext | undefined> = { analyst: undefined, viewer: undefined };
const pageErrors: string[] = [];
const round = () => runRound({ store, rules, config, worker: "e2e", log });
const rootShell = (host: string, actor: string) => makeEvent({ type: "access.privilege", channel: "sudo", effective_user: "root", command: "/bin/bash", host, actor_id: actor, occurred_at: new Date(Date.now() - 60_000).toISOString() });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  store = await openTestStore();
  const burstStart = pastTimeClearOfHourBoundary();
  const failures = Array.from({ length: 12 }, (_, i) => makeEvent({ type: "access.login_failed", outcome: "failure", host: `bastion-${tag}`, actor_id: "root", source_ip: "203.0.113.66", occurred_at: new Date(burstStart + i * 5_000).toISOString() }));
  await insertEvents(store, [...failures, rootShell(`db-${tag}`, "dana@example.com")]);
  await round();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  serve = await startServe({ config: configSchema.parse({ server: { port: 0 }, detections: { interval_seconds: 0 } }), log, store, dev: false });
  for (const role of ["analyst", "viewer"] as const) {
    const user = await createUser(store, { email: `${role}-${tag}@example.com`, name: `Findings ${role}`, role, password: `findings e2e password ${role} 1`, createdBy: "e2e" });
    const { token } = await createSession(store, { userId: user.userId, method: "password" });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: "light" });
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: serve.url }]);
    contexts[role] = context;
  }
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  await store?.drop();
});

async function open(role: "analyst" | "viewer", path: string): Promise<Page> {
  const context = contexts[role];
  if (!context) throw new Error(`no ${role} context`);
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${serve.url}${path}`);
  await page.waitForLoadState("networkidle");
  return page;
}
const rowsOf = (page: Page) => page.$$eval('[data-testid="findings-table"] tbody tr', (rows) => rows.map((r) => r.textContent ?? ""));

describe("the Anomalies page in Chromium", () => {
  it("analyst: queue by severity, a finding's evidence and timeline link, and acknowledging it", async () => {
    const page = await open("analyst", "/findings");
    const rows = await rowsOf(page);
    expect(rows.length).toBe(2);
    expect(rows[0]).toContain("prodtrail-ssh-brute-force");
    expect(rows[0]).toContain("12 failed logins from 203.0.113.66");
    expect(rows[1]).toContain("prodtrail-interactive-root-shell");
    await page.screenshot({ path: join(SHOTS, "findings.png") });
    await page.click('[data-testid="findings-table"] tbody tr:first-child a');
    await page.waitForSelector('[data-testid="finding-drawer"]');
    expect(new URL(page.url()).searchParams.get("finding")).toMatch(/^rule:prodtrail-ssh-brute-force:/);
    expect(await page.$$eval('[data-testid="finding-evidence"] li', (li) => li.length)).toBe(12);
    const timeline = await page.getAttribute('[data-testid="finding-timeline"]', "href");
    expect(timeline).toContain(`host=bastion-${tag}`);
    await page.fill('[data-testid="triage-form"] input[name="assignee"]', "sec@example.com");
    await page.click('[data-testid="triage-form"] button[value="acknowledge"]');
    await page.waitForSelector('[data-testid="triage-message"]');
    expect(await page.textContent('[data-testid="triage-message"]')).toContain("acknowledged");
    const id = new URL(page.url()).searchParams.get("finding") ?? "";
    expect((await findingsByIdQuery(store, { ids: [id] }))[0]?.status).toBe("acknowledged");
    await page.reload();
    await page.waitForSelector('[data-testid="finding-history"]');
    expect(await page.textContent('[data-testid="finding-history"]')).toContain("acknowledge");
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("analyst: a suppression from a finding silences the next one on that host, and is listed", async () => {
    const page = await open("analyst", "/findings?rule=prodtrail-interactive-root-shell");
    await page.click('[data-testid="findings-table"] tbody tr:first-child a');
    await page.waitForSelector('[data-testid="suppress-form"]');
    await page.fill('[data-testid="suppress-form"] input[name="actor_id"]', "");
    await page.fill('[data-testid="suppress-form"] input[name="reason"]', "DBA jump host, root shells expected");
    await page.click('[data-testid="suppress-form"] button[type="submit"]');
    await page.waitForSelector('[data-testid="suppress-message"]');
    await insertEvents(store, [rootShell(`db-${tag}`, "eve@example.com"), rootShell(`web-${tag}`, "eve@example.com")]);
    const next = await round();
    expect(next.created.map((f) => f.host)).toEqual([`web-${tag}`]);
    await page.goto(`${serve.url}/findings?rule=prodtrail-interactive-root-shell`);
    const listed = await rowsOf(page);
    expect(listed.some((r) => r.includes(`web-${tag}`) && r.includes("eve@example.com"))).toBe(true);
    expect(listed.some((r) => r.includes("eve@example.com") && r.includes(`db-${tag}`))).toBe(false);
    await page.goto(`${serve.url}/findings?status=suppressed`);
    expect((await rowsOf(page)).some((r) => r.includes(`db-${tag}`) && r.includes("eve@example.com"))).toBe(true);
    expect(await page.textContent('[data-testid="suppressions-table"]')).toContain("DBA jump host");
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("viewer: counts only — no queue, no evidence, even by URL", async () => {
    const page = await open("viewer", "/findings?finding=x");
    expect(await page.textContent('[data-testid="findings-open-high"]')).toBe("1");
    expect(await page.$('[data-testid="findings-viewer-note"]')).not.toBeNull();
    expect(await page.$('[data-testid="findings-table"]')).toBeNull();
    expect(await page.$('[data-testid="finding-drawer"]')).toBeNull();
    await page.screenshot({ path: join(SHOTS, "findings-as-viewer.png") });
  }, 60_000);
});
