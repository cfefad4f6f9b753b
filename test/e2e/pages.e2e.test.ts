import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema";
import { parseCsv } from "../../dashboard/lib/data/export-format";
import { DemoGenerator } from "../../demo/generate";
import { createLogger } from "../../lib/log";
import { parseEventOrThrow, type AuditEvent } from "../../schemas";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe, type RunningServe } from "../../server/serve";
import { toEventRow } from "../../store/event-rows";
import { insertEvents } from "../../store/events";
import { insertRows } from "../../store/query";
import { makeEvent } from "../factories/events";
import { openTestStore, type TestStore } from "../store";

/**
 * Every dashboard page as an analyst meets it: Debian's Chromium against
 * the real `prodtrail serve` (production Next build, real store). Data: a
 * week of the demo fleet plus this test's own events in env `e2e-<random>`
 * (hostile ones among them). Screenshots → test-artifacts/screenshots/.
 */
const SHOTS = join(process.cwd(), "test-artifacts", "screenshots");
const DOCS = join(process.cwd(), "docs", "screenshots");
const log = createLogger("pages-e2e", "warn");
const env = `e2e-${randomBytes(3).toString("hex")}`;
const HOSTILE_SCRIPT = "<script>window.__pwned=1</script>";
const BIDI = "rm -rf /tmp/\u202Egnp.evil";
const ANSI = "\u001b[31mRED\u001b[0m done";

let store: TestStore;
let serve: RunningServe;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const mine: AuditEvent[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  store = await openTestStore();
  const now = Date.now();
  const demo = new DemoGenerator({ seed: 7, now: new Date(now), backfillDays: 7 });
  for (const batch of demo.backfill()) await insertEvents(store, batch.events.map((e) => parseEventOrThrow(e)));
  const ago = (min: number) => new Date(now - min * 60_000).toISOString();
  for (let i = 0; i < 130; i++) {
    mine.push(makeEvent({ env, occurred_at: ago(300 - i), host: i % 2 ? "e2e-web-01" : "e2e-db-01", actor_id: i % 3 ? "erin@example.com" : "frank@example.com", session_id: `e2e-s${i % 5}`, type: i % 9 === 0 ? "change.file" : "access.exec", command: `ls -la /srv/${i}` }));
  }
  mine.push(
    makeEvent({ env, occurred_at: ago(20), host: "e2e-web-01", actor_id: "mallory@example.com", type: "access.exec", command: `echo ${HOSTILE_SCRIPT}`, raw: `<img src=x onerror="window.__pwned=1"> ${HOSTILE_SCRIPT}` }),
    makeEvent({ env, occurred_at: ago(19), host: "e2e-web-01", actor_id: "mallory@example.com", type: "change.k8s", resource: "javascript:alert(1)", channel: "kubectl" }),
    makeEvent({ env, occurred_at: ago(18), host: "e2e-web-01", actor_id: "mallory@example.com", type: "access.exec", command: ANSI }),
    makeEvent({ env, occurred_at: ago(17), host: "e2e-web-01", actor_id: "mallory@example.com", type: "access.exec", command: BIDI }),
    makeEvent({ env, occurred_at: ago(16), host: "e2e-web-01", actor_id: "mallory@example.com", type: "access.exec", command: `x${"A".repeat(8000)}` }),
  );
  await insertEvents(store, mine);
  // A 100 kB command line, longer than the v1 contract allows (8 kB), as another writer to a shared ClickHouse could leave it.
  const huge = makeEvent({ env, occurred_at: ago(15), host: "e2e-web-01", actor_id: "mallory@example.com", type: "access.exec", command: "short" });
  // Its own deduplication token: without one, the embedded engine dropped this insert as a repeat of the previous tokened one (reported).
  await insertRows(store, { table: "events", rows: [{ ...toEventRow(huge, new Date().toISOString()), command: `y${"B".repeat(100_000)}` }], deduplicationToken: `e2e-huge-${huge.event_id}` });
  mine.push(huge);

  const analyst = await createUser(store, { email: `analyst-${env}@example.com`, name: "Pages E2E", role: "analyst", password: "pages e2e password 1", createdBy: "e2e" });
  const { token } = await createSession(store, { userId: analyst.userId, method: "password" });
  serve = await startServe({ config: configSchema.parse({ server: { port: 0 } }), log, store, dev: false });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, colorScheme: "light" });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: serve.url }]);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  page.on("dialog", (d) => {
    pageErrors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  await store?.drop();
});

async function shot(name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}
async function settle() {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, { timeout: 30_000 });
}
const tableIds = () => page.$$eval('[data-testid="events-table"] tbody tr', (rows) => rows.map((r) => r.getAttribute("data-event-id") ?? ""));

describe("dashboard pages in Chromium (analyst)", () => {
  it("overview: panels render, and filters change the URL and the numbers", async () => {
    await page.goto(`${serve.url}/`);
    await settle();
    expect(await page.textContent("h1")).toBe("Last 24 hours");
    const all = Number((await page.textContent('[data-testid="total"]'))?.replaceAll(",", ""));
    expect(all).toBeGreaterThan(mine.length);
    await page.waitForSelector('[data-testid="access-series"] svg');
    await shot("overview");
    await page.fill('input[name="env"]', env);
    await page.press('input[name="env"]', "Enter");
    await page.waitForURL((u) => u.searchParams.get("env") === env);
    await settle();
    expect(Number((await page.textContent('[data-testid="total"]'))?.replaceAll(",", ""))).toBe(mine.length);
    await page.click('.presets button:text-is("7d")');
    await page.waitForURL((u) => u.searchParams.get("range") === "7d");
    await settle();
    expect(await page.textContent("h1")).toBe("Last 7 days");
  });

  it("explorer: keyset pages, j/k/Enter/Esc, and the drawer shows every field", async () => {
    await page.goto(`${serve.url}/events?env=${env}`);
    await settle();
    const first = await tableIds();
    expect(first).toHaveLength(100);
    await page.click('[data-testid="next-page"]');
    await page.waitForURL((u) => u.searchParams.has("cursor"));
    await settle();
    const second = await tableIds();
    expect(second.length).toBe(mine.length - 100);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(new Set([...first, ...second])).toEqual(new Set(mine.map((e) => e.event_id)));

    await page.goto(`${serve.url}/events?env=${env}`);
    await settle();
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    const selected = await page.getAttribute('[data-testid="events-table"] tr[aria-selected="true"]', "data-event-id");
    expect(selected).toBe(first[0]);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("event") === selected);
    await page.waitForSelector('[data-testid="event-fields"]');
    expect(await page.textContent('[data-field="event_id"]')).toBe(selected);
    await page.keyboard.press("Escape");
    await page.waitForURL((u) => !u.searchParams.has("event"));
    await page.keyboard.press("/");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("q");
    // An ordinary event for the screenshot (the newest ones are the hostile fixtures).
    await page.goto(`${serve.url}/events?env=${env}&event=${mine[129]?.event_id ?? ""}`);
    await page.waitForSelector('[data-testid="event-fields"]');
    await settle();
    await shot("event-drawer");
  });

  it("explorer: search narrows the rows", async () => {
    await page.fill('input[name="q"]', "/srv/12");
    await page.press('input[name="q"]', "Enter");
    await page.waitForURL((u) => u.searchParams.get("q") === "/srv/12");
    await settle();
    expect((await tableIds()).sort()).toEqual(mine.filter((e) => e.command?.startsWith("ls -la /srv/12")).map((e) => e.event_id).sort());
  });

  it("export downloads exactly the table's rows", async () => {
    await page.goto(`${serve.url}/events?env=${env}&host=e2e-db-01`);
    await settle();
    const table = await tableIds();
    expect(table.length).toBe(65);
    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-csv"]')]);
    const csv = parseCsv(readFileSync((await csvDownload.path()) ?? "", "utf8"));
    expect(csv.slice(1).map((r) => r[0])).toEqual(table);
    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-json"]')]);
    const json: unknown = JSON.parse(readFileSync((await jsonDownload.path()) ?? "", "utf8"));
    expect(Array.isArray(json) ? json.map((e: { event_id?: unknown }) => e.event_id) : null).toEqual(table);
    expect(await page.getAttribute('[data-testid="export-csv"]', "href")).toMatch(/^\/api\/v1\/export\?/);
    // Without a session the API answers 401, not data.
    const anonymous = await fetch(`${serve.url}/api/v1/export?format=csv&env=${env}`);
    expect(anonymous.status).toBe(401);
  });

  it("hostile content stays inert and readable", async () => {
    await page.goto(`${serve.url}/events?env=${env}&actor=mallory@example.com`);
    await settle();
    const text = (await page.textContent('[data-testid="events-table"]')) ?? "";
    expect(text).toContain(HOSTILE_SCRIPT);
    expect(text).toContain("javascript:alert(1)");
    expect(text).toContain("\\x1b[31mRED\\x1b[0m");
    expect(text).toContain("⟨U+202E⟩");
    expect(text).toContain("100,001 characters");
    expect(await page.$$('a[href^="javascript:"]')).toHaveLength(0);
    const hostile = mine.find((e) => e.command?.includes("__pwned"));
    await page.goto(`${serve.url}/events?env=${env}&actor=mallory@example.com&event=${hostile?.event_id ?? ""}`);
    await page.waitForSelector('[data-testid="raw"]');
    expect(await page.textContent('[data-testid="raw"]')).toContain('<img src=x onerror="window.__pwned=1">');
    const long = mine.find((e) => (e.command?.length ?? 0) > 8000);
    await page.goto(`${serve.url}/events?env=${env}&actor=mallory@example.com&event=${long?.event_id ?? ""}`);
    await page.waitForSelector('[data-field="command"] details');
    expect(await page.textContent('[data-field="command"] summary')).toContain("show all (8,001 characters)");
    await shot("hostile-content");
    expect(await page.evaluate(() => Reflect.get(window, "__pwned"))).toBeUndefined();
    expect(pageErrors.filter((e) => e.includes("dialog"))).toEqual([]);
  });

  it("trends render each chart with a table view", async () => {
    await page.goto(`${serve.url}/trends`);
    await settle();
    for (const id of ["trend-team", "trend-channel", "trend-env", "pipeline-share", "break-glass"]) await page.waitForSelector(`[data-testid="${id}"] svg, [data-testid="${id}"] [data-testid="empty"]`);
    await shot("trends");
    await page.click('[data-testid="trend-team"] button.viewtoggle');
    expect(await page.$$('[data-testid="trend-team"] table tbody tr')).not.toHaveLength(0);
    await page.click('a.chip:text-is("month")');
    await page.waitForURL((u) => u.searchParams.get("period") === "month");
  });

  it("timeline groups by session and exports valid Markdown", async () => {
    await page.goto(`${serve.url}/timeline?env=${env}&range=24h`);
    await settle();
    expect((await page.$$('[data-testid="timeline-group"]')).length).toBeGreaterThan(1);
    await shot("timeline");
    const permalink = await page.getAttribute('[data-testid="permalink"]', "href");
    expect(permalink).toMatch(/from=.*to=/);
    const [md] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="export-md"]')]);
    const text = readFileSync((await md.path()) ?? "", "utf8");
    const tables = text.split("\n\n").filter((block) => block.startsWith("|"));
    expect(tables.length).toBeGreaterThan(1);
    for (const table of tables) {
      const cols = table.split("\n").map((line) => line.split(/(?<!\\)\|/).length);
      expect(new Set(cols).size).toBe(1);
    }
    expect(text).not.toContain("<script>");
    expect(text).toContain("&lt;script&gt;");
  });

  it("actor and host profiles", async () => {
    await page.goto(`${serve.url}/actors/${encodeURIComponent("erin@example.com")}?env=${env}`);
    await settle();
    await page.waitForSelector('[data-testid="actor-hours"] .heat');
    expect(await page.textContent('[data-testid="actor-hosts"]')).toContain("e2e-web-01");
    await shot("actor");
    await page.goto(`${serve.url}/hosts/e2e-web-01?env=${env}`);
    await settle();
    expect(await page.textContent('[data-testid="host-actors"]')).toContain("mallory@example.com");
    await shot("host");
  });

  it("a bad filter is named on the page, not a crash", async () => {
    await page.goto(`${serve.url}/events?env=${encodeURIComponent("x' OR 1=1")}&range=3y`);
    await settle();
    const issues = (await page.textContent('[data-testid="filter-issues"]')) ?? "";
    expect(issues).toContain("Bad filter env");
    expect(issues).toContain("range");
  });

  it("the theme toggle persists in a cookie", async () => {
    await page.goto(`${serve.url}/`);
    await settle();
    await page.click('[data-testid="theme-toggle"]');
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    await page.reload();
    await settle();
    expect(await page.getAttribute("html", "data-theme")).toBe("dark");
    await page.waitForSelector('[data-testid="access-series"] svg');
    await shot("overview-dark");
    expect(pageErrors).toEqual([]);
  });

  it("copies the README screenshots (under 300 kB each)", () => {
    mkdirSync(DOCS, { recursive: true });
    for (const name of ["overview", "trends", "timeline", "overview-dark"]) {
      const from = join(SHOTS, `${name}.png`);
      expect(statSync(from).size).toBeLessThan(300_000);
      copyFileSync(from, join(DOCS, `${name}.png`));
    }
  });
});
