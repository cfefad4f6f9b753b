import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import type { AuditEvent } from "../../schemas";
import { SESSION_COOKIE, createSession } from "../../server/auth/sessions";
import { createUser } from "../../server/auth/users";
import { startServe, type RunningServe } from "../../server/serve";
import { insertEvents } from "../../store/events";
import { makeEvent } from "../factories/events";
import { openTestStore, type TestStore } from "../store";

/**
 * The postmortem timeline at fleet scale, in Debian's Chromium at 1440×1300
 * against the real `prodtrail serve`: 130 sessions of 26 actors with long
 * names (actor ids of 70 characters, session ids of 60), 50 events each —
 * 6,500 events, more than the old page's 5,000 that made its 7.7 MB body.
 * Checks that no lane label overlaps other text (bounding boxes), that zoom
 * links, ticks and the brush change the window in the URL, that groups and
 * lanes collapse and expand, that lanes page, that the body stays ≤ 1 MB,
 * and that the basic view works without script.
 */
const SHOTS = join(process.cwd(), "test-artifacts", "screenshots");
const log = createLogger("timeline-e2e", "warn");
const env = `tle2e-${randomBytes(3).toString("hex")}`;
const SESSIONS = 130;
const PER_SESSION = 50;
const LONG = "a-very-long-service-identity-name";

let store: TestStore;
let serve: RunningServe;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
/** A window pinned around the data (the sessions run from 6 h ago to about 1 h 15 min ago), so every zoom step still holds lanes. */
let around = "";
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  store = await openTestStore();
  const now = Date.now();
  const events: AuditEvent[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const start = now - 6 * 3_600_000 + s * 120_000;
    for (let k = 0; k < PER_SESSION; k++) {
      events.push(makeEvent({
        env,
        occurred_at: new Date(start + k * 30_000).toISOString(),
        actor_id: `${LONG}-${String(s % 26).padStart(2, "0")}.deploy-bot@example.com`,
        host: `ip-10-20-${s}-17.eu-west-1.compute.internal`,
        session_id: `sess-${String(s).padStart(3, "0")}-${"f".repeat(52)}`,
        type: "access.exec",
        outcome: k % 17 === 0 ? "failure" : "success",
        command: `/usr/local/bin/rotate-credentials --cluster primary --region eu-west-1 --verbose ${"x".repeat(200)} ${k}`,
      }));
    }
  }
  around = `from=${new Date(now - 7 * 3_600_000).toISOString()}&to=${new Date(now).toISOString()}`;
  for (let i = 0; i < events.length; i += 5000) await insertEvents(store, events.slice(i, i + 5000));
  const analyst = await createUser(store, { email: `analyst-${env}@example.com`, name: "Timeline E2E", role: "analyst", password: "timeline e2e password 1", createdBy: "e2e" });
  ({ token } = await createSession(store, { userId: analyst.userId, method: "password" }));
  serve = await startServe({ config: configSchema.parse({ server: { port: 0 } }), log, store, dev: false });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ viewport: { width: 1440, height: 1300 }, colorScheme: "light" });
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: serve.url }]);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  await store?.drop();
});

async function open(path: string, p: Page = page) {
  await p.goto(`${serve.url}${path}`);
  await p.waitForLoadState("networkidle");
  await p.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, { timeout: 30_000 });
}
const windowMs = (u: URL) => Date.parse(u.searchParams.get("to") ?? "") - Date.parse(u.searchParams.get("from") ?? "");
const laneKeys = () => page.$$eval('[data-testid="timeline-lane"]', (els) => els.map((e) => e.id));

/** Every visible lane label that overlaps any other visible text (text-node rectangles), as "label ⨯ text". */
function overlaps(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const visible = (r: DOMRect) => r.width > 0.5 && r.height > 0.5;
    const labels = [...document.querySelectorAll<HTMLElement>('[data-testid="timeline-lane-label"]')].filter((el) => el.checkVisibility()).map((el) => ({ el, r: el.getBoundingClientRect() })).filter((l) => visible(l.r));
    const texts: { text: string; r: DOMRect }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement;
      if (!n.textContent?.trim() || !parent || parent.closest('[data-testid="timeline-lane-label"], title, script, style')) continue;
      // The body of a closed <details> is laid out but not rendered (content-visibility: hidden): its rectangles are not text on screen.
      if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) if (visible(r)) texts.push({ text: n.textContent.trim().slice(0, 40), r });
    }
    const hit = (a: DOMRect, b: DOMRect) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    const out: string[] = [];
    for (const [i, l] of labels.entries()) {
      for (const t of texts) if (hit(l.r, t.r)) out.push(`${l.el.textContent?.slice(0, 40)} ⨯ ${t.text}`);
      for (const other of labels.slice(i + 1)) if (hit(l.r, other.r)) out.push(`${l.el.textContent?.slice(0, 40)} ⨯ label ${other.el.textContent?.slice(0, 40)}`);
    }
    return out;
  });
}

describe("postmortem timeline at fleet scale (Chromium, 1440×1300)", () => {
  it("lane labels are cut with an ellipsis, carry the full name, and overlap no other text — groups open or lanes expanded", async () => {
    await open(`/timeline?env=${env}&range=24h`);
    const labels = await page.$$('[data-testid="timeline-lane-label"]');
    expect(labels.length).toBeGreaterThan(50);
    const cut = await page.$$eval('[data-testid="timeline-lane"] [data-testid="timeline-lane-label"]', (els) =>
      els.filter((e) => e.textContent?.includes("…") || e.scrollWidth > e.clientWidth).map((e) => e.getAttribute("title") ?? ""));
    expect(cut).toHaveLength(50);
    // Cut in the middle: the ends that tell 26 actors and 130 sessions apart stay on screen.
    const shown = await page.$$eval('[data-testid="timeline-group"] > summary [data-testid="timeline-lane-label"]', (els) => els.map((e) => e.textContent ?? ""));
    expect(new Set(shown).size).toBe(shown.length);
    expect(cut[0]).toMatch(new RegExp(`^${LONG}-\\d\\d\\.deploy-bot@example\\.com on ip-10-20-\\d+-17\\.eu-west-1\\.compute\\.internal, session sess-\\d{3}-f{52}$`));
    expect(await overlaps(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "timeline-fleet.png") });
    // Three lanes opened to their events: the tables push the lanes below down, still nothing on top of a label.
    for (const lane of (await page.$$('[data-testid="timeline-lane"] > summary')).slice(0, 3)) await lane.click();
    expect(await page.$$eval('[data-testid="timeline-lane"][open] tbody tr', (rows) => rows.length)).toBe(15);
    expect(await overlaps(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, "timeline-fleet-open.png") });
    expect(pageErrors).toEqual([]);
  });

  it("the body stays under 1 MB while the same window's export (the old page's data) is larger", async () => {
    const html = await page.request.get(`${serve.url}/timeline?env=${env}&range=24h`);
    expect(html.status()).toBe(200);
    const bytes = (await html.body()).byteLength;
    const exported = await page.request.get(`${serve.url}/timeline/export?format=json&env=${env}&range=24h`);
    expect((await exported.body()).byteLength).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThanOrEqual(1_000_000);
    expect(await page.textContent('[data-testid="timeline-summary"]')).toContain(`${(SESSIONS * PER_SESSION).toLocaleString("en-US")} events in ${SESSIONS} lanes`);
  });

  it("pages lanes 50 at a time and offers to narrow the window", async () => {
    await open(`/timeline?env=${env}&range=24h`);
    expect(await page.textContent('[data-testid="timeline-narrow"]')).toContain(`${SESSIONS} lanes of 26 actors`);
    const first = await laneKeys();
    expect(first).toHaveLength(50);
    await page.click('[data-testid="timeline-next"]');
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    expect(await page.textContent('[data-testid="timeline-page"]')).toContain(`lanes 51–100 of ${SESSIONS} (page 2 of 3)`);
    const second = await laneKeys();
    expect(second).toHaveLength(50);
    expect(second.filter((k) => first.includes(k))).toEqual([]);
    await page.click('[data-testid="timeline-next"]');
    await page.waitForURL((u) => u.searchParams.get("page") === "3");
    expect(await laneKeys()).toHaveLength(SESSIONS - 100);
    await page.click('[data-testid="timeline-prev"]');
    await page.waitForURL((u) => u.searchParams.get("page") === "2");
    expect(await laneKeys()).toEqual(second);
  });

  it("zooms by link, by tick and by brushing the histogram, each a permalink", async () => {
    await open(`/timeline?env=${env}&${around}`);
    await page.click('[data-testid="timeline-zoom-in"]');
    await page.waitForURL((u) => windowMs(u) === 3.5 * 3_600_000);
    await page.waitForSelector('[data-testid="timeline-brush"]');
    const before = windowMs(new URL(page.url()));
    const box = await page.locator('[data-testid="timeline-brush"]').boundingBox();
    if (!box) throw new Error("the brush area has no box");
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((u) => windowMs(u) < before);
    const brushed = windowMs(new URL(page.url()));
    // A quarter of the 12 h window, give or take the pixel rounding of the drag.
    expect(Math.abs(brushed - before / 4)).toBeLessThan(before / 100);
    await page.waitForSelector('[data-testid="timeline-lane"]');
    const tick = page.locator('[data-testid="timeline-tick"]').first();
    await tick.click();
    await page.waitForURL((u) => windowMs(u) < brushed);
    expect(await page.$$('[data-testid="timeline-lane"]')).not.toHaveLength(0);
    const zoomedIn = new URL(page.url());
    await page.click('[data-testid="timeline-zoom-out"]');
    await page.waitForURL((u) => windowMs(u) === 2 * windowMs(zoomedIn));
    await page.click('[data-testid="timeline-earlier"]');
    await page.waitForURL((u) => Date.parse(u.searchParams.get("from") ?? "") < Date.parse(zoomedIn.searchParams.get("from") ?? ""));
    expect(pageErrors).toEqual([]);
  });

  it("collapses and expands an actor's group, all groups, and a lane's events", async () => {
    await open(`/timeline?env=${env}&range=24h`);
    const group = page.locator('[data-testid="timeline-group"]').first();
    const firstLane = group.locator('[data-testid="timeline-lane"]').first();
    expect(await firstLane.isVisible()).toBe(true);
    await group.locator("> summary").click();
    expect(await firstLane.isVisible()).toBe(false);
    await group.locator("> summary").click();
    expect(await firstLane.isVisible()).toBe(true);
    await page.click('[data-testid="timeline-collapse-all"]');
    expect(await page.$$eval('[data-testid="timeline-group"]', (gs) => gs.filter((g) => g.hasAttribute("open")).length)).toBe(0);
    expect(await page.locator('[data-testid="timeline-lane"]').first().isVisible()).toBe(false);
    await page.click('[data-testid="timeline-expand-all"]');
    expect(await page.$$eval('[data-testid="timeline-group"]', (gs) => gs.every((g) => g.hasAttribute("open")))).toBe(true);
    await firstLane.locator("> summary").click();
    expect(await firstLane.locator("tbody tr").count()).toBe(5);
    expect(await firstLane.textContent()).toContain(`${PER_SESSION - 5} more in this lane`);
  });

  it("works without script: lanes, zoom links and paging, no brush", async () => {
    const plain = await browser.newContext({ viewport: { width: 1440, height: 1300 }, javaScriptEnabled: false });
    try {
      await plain.addCookies([{ name: SESSION_COOKIE, value: token, url: serve.url }]);
      const p = await plain.newPage();
      await p.goto(`${serve.url}/timeline?env=${env}&${around}`);
      await p.waitForSelector('[data-testid="timeline-lane"]');
      expect(await p.$$('[data-testid="timeline-brush"]')).toHaveLength(0);
      expect(await overlaps(p)).toEqual([]);
      await p.click('[data-testid="timeline-zoom-in"]');
      await p.waitForURL((u) => windowMs(u) === 3.5 * 3_600_000);
      await p.waitForSelector('[data-testid="timeline-lane"]');
      await p.click('[data-testid="timeline-next"]');
      await p.waitForURL((u) => u.searchParams.get("page") === "2");
      expect(await p.$$('[data-testid="timeline-lane"]')).toHaveLength(50);
    } finally {
      await plain.close();
    }
  });
});
