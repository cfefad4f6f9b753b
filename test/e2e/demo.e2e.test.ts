import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { BUILTIN_RULES_DIR, loadRuleFiles } from "../../detections/load";
import { REPO_ROOT } from "../../server/version";

/**
 * The first ten minutes (issue #14, "Done when"): `npm start`'s demo mode —
 * `node bin/prodtrail serve --demo-if-empty`, the command package.json runs —
 * from a fresh data directory, signed in as the initial admin through the
 * sign-in form, every page read in Debian's Chromium at 1440×1300. The
 * screenshots it takes are the README's (docs/screenshots/).
 *
 * Time, on the 2-core development machine: the dashboard build is shared
 * with the other e2e tests (server/dashboard-build.ts: none when it is up to
 * date, 15–40 s when sources changed), the 14-day backfill posts in about
 * 20 s, and the drift and detection jobs first see it on their next round
 * (interval 60 s by default, unchanged here: this is what a new user waits).
 */
const CHROMIUM = "/usr/bin/chromium";
const DOCS = join(REPO_ROOT, "docs", "screenshots");
const SERVE_LOG = join(REPO_ROOT, "test-artifacts", "demo-e2e-serve.log");
const ADMIN = { email: "admin.demo-e2e@example.com", password: "demo e2e admin password 1440" };
/** Drift states the demo fleet's 14 days make on seed 42 (demo/generate: every kind of edit it simulates). */
const DEMO_DRIFT_STATES = ["sanctioned", "matches_codebase", "backported", "lost_hotfix", "reverted", "unreconciled", "pending", "unmanaged"] as const;
/**
 * Start-up: build + migrate + listen, then the backfill (≈ 20 s). The build
 * took 39 s at a load average of 8 and over 150 s at 24 (seven people's
 * tests on two cores, each build waiting for the last), so the bound is generous; it is a hang guard, not a
 * measure.
 */
const START_MS = 480_000;
/** One job round is 60 s; one more round of slack for a loaded machine. */
const JOBS_MS = 150_000;
/** A page test on a loaded machine (see setDefaultTimeout below). */
const PAGE_MS = 180_000;

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`demo.e2e: skipped — no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const logLine = z.object({ msg: z.string(), url: z.string().optional(), events: z.number().optional() }).loose();

let dataDir: string;
let child: ChildProcess | undefined;
let baseUrl = "";
let browser: Browser;
let page: Page;
const output: string[] = [];
const pageErrors: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

type LogLine = z.output<typeof logLine>;
/** Who waits for which log line: one reader serves them all (a second readline on the pipe, once closed, pauses it and stalls the child's logger). */
const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];

function readLogs(proc: ChildProcess): void {
  // The whole output, for a failure's post-mortem (test-artifacts/ is not committed).
  const file = createWriteStream(SERVE_LOG);
  proc.stdout?.pipe(file);
  proc.stderr?.pipe(file);
  createInterface({ input: proc.stdout ?? process.stdin }).on("line", (text) => {
    output.push(text.slice(0, 400));
    if (!text.startsWith("{")) return;
    const parsed = logLine.safeParse(JSON.parse(text));
    if (!parsed.success) return;
    for (const w of [...waiters]) {
      if (!w.match(parsed.data)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(parsed.data);
    }
  });
  createInterface({ input: proc.stderr ?? process.stdin }).on("line", (text) => output.push(text.slice(0, 400)));
}

/** Resolves with the first structured log line `match` accepts; rejects when the process exits first or time runs out. */
function waitForLog(proc: ChildProcess, match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`demo.e2e: ${why} before "${what}"; last output:\n${output.slice(-20).join("\n")}`));
    const timer = setTimeout(() => fail(`${timeoutMs} ms passed`), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      fail(`prodtrail serve exited (${String(code)})`);
    };
    proc.once("exit", onExit);
    waiters.push({
      match,
      resolve: (line) => {
        clearTimeout(timer);
        proc.off("exit", onExit);
        resolve(line);
      },
    });
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: false });
}

async function settle(): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

/** Reloads `path` until `ready` holds: the jobs fill the pages on their own schedule. */
async function openWhen(path: string, ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(`${baseUrl}${path}`);
    await settle();
    if (await ready()) return;
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(REPO_ROOT, "test-artifacts", `demo-e2e-failed${path.replace(/[^a-z0-9]+/gi, "-")}.png`) });
      throw new Error(`demo.e2e: ${path} never showed ${what} within ${timeoutMs} ms (screenshot in test-artifacts/)`);
    }
    await page.waitForTimeout(5_000);
  }
}

const count = async (selector: string) => (await page.$$(selector)).length;
/** The number an element shows; 0 while it is not on the page (yet). */
const numberIn = async (selector: string) => Number(((await (await page.$(selector))?.textContent()) ?? "0").replaceAll(",", "").trim());

describe.skipIf(!haveChromium)("npm start's demo mode in Chromium (admin, 1440×1300)", () => {
  beforeAll(async () => {
    mkdirSync(DOCS, { recursive: true });
    mkdirSync(join(REPO_ROOT, "test-artifacts"), { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "prodtrail-demo-e2e-"));
    const port = await freePort();
    child = spawn(process.execPath, [join(REPO_ROOT, "bin", "prodtrail"), "serve", "--demo-if-empty", "--port", String(port)], {
      // A directory of its own: no prodtrail.yaml of the repository's working tree is read.
      cwd: dataDir,
      env: {
        ...process.env,
        PRODTRAIL_DATA_DIR: join(dataDir, "data"),
        PRODTRAIL_ADMIN_EMAIL: ADMIN.email,
        PRODTRAIL_ADMIN_PASSWORD: ADMIN.password,
        PRODTRAIL_LOG_LEVEL: "info",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so afterAll also ends a `next build` it started (a killed build leaves a half-written .next).
      detached: true,
    });
    readLogs(child);
    const listening = waitForLog(child, (l) => l.msg === "listening", START_MS, "listening");
    const backfill = waitForLog(child, (l) => l.msg === "demo: backfill posted", START_MS, "demo: backfill posted");
    const [up, posted] = await Promise.all([listening, backfill]);
    baseUrl = up.url ?? `http://127.0.0.1:${port}`;
    expect(posted.events).toBeGreaterThan(10_000);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 1300 }, colorScheme: "light" });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));

    // Pages render in 20–60 ms on a quiet machine and took over 30 s with seven test runs on two cores: waits are hang guards.
    page.setDefaultTimeout(120_000);
    page.setDefaultNavigationTimeout(120_000);
    await page.goto(`${baseUrl}/`, { waitUntil: "commit" });
    await page.waitForURL((u) => u.pathname === "/signin", { waitUntil: "commit" });
    await page.fill('input[name="email"]', ADMIN.email);
    await page.fill('input[name="password"]', ADMIN.password);
    await page.click('button[type="submit"]');
    await page.waitForURL((u) => u.pathname === "/", { waitUntil: "commit" });
  }, START_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child?.once("exit", r));
      const group = child.pid;
      if (group !== undefined) process.kill(-group, "SIGTERM");
      // serve's own shutdown deadline is shorter; past this, the group is ended outright.
      const hard = setTimeout(() => group !== undefined && process.kill(-group, "SIGKILL"), 30_000);
      await exited;
      clearTimeout(hard);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("overview: the demo's 24 hours, labelled demo, with open direct edits and findings tiles", async () => {
    await openWhen("/", async () => (await numberIn('[data-testid="open-direct-edits"] .stat .value')) > 0, JOBS_MS, "open direct edits");
    expect(await page.textContent("h1")).toBe("Last 24 hours");
    expect(await numberIn('[data-testid="total"]')).toBeGreaterThan(0);
    expect(await count('[data-testid="demo-notice"]')).toBe(1);
    await page.waitForSelector('[data-testid="access-series"] svg');
    expect(await count('[data-testid="top-actors"] tbody tr')).toBeGreaterThan(0);
    await shot("overview");
  }, JOBS_MS + 30_000);

  it("Direct edits: every state the demo makes is counted and listed, grouped by state", async () => {
    const counts = async () =>
      Object.fromEntries(await page.$$eval('[data-testid="drift-states"] [data-state]', (chips) => chips.map((c) => [c.getAttribute("data-state") ?? "", Number(c.getAttribute("data-count"))])));
    await openWhen("/drift", async () => {
      const now = await counts();
      return DEMO_DRIFT_STATES.every((s) => (now[s] ?? 0) > 0);
    }, JOBS_MS, "every demo drift state");
    const byState = await counts();
    for (const state of DEMO_DRIFT_STATES) expect(byState[state], `drift state ${state}`).toBeGreaterThan(0);
    // Each managed state present has its own group, bounded to one page.
    for (const state of DEMO_DRIFT_STATES.filter((s) => s !== "unmanaged")) {
      const rows = await count(`[data-testid="drift-group-${state}"] tbody tr`);
      expect(rows, `rows of ${state}`).toBeGreaterThan(0);
      expect(rows).toBeLessThanOrEqual(Math.min(byState[state] ?? 0, 25));
    }
    expect(await count('[data-testid="drift-unmanaged"] tbody tr')).toBeGreaterThan(0);
    await shot("drift");
  }, JOBS_MS + 30_000);

  it("Anomalies: findings of the built-in detections, in the queue", async () => {
    const builtin = new Set(loadRuleFiles([BUILTIN_RULES_DIR]).map((r) => r.id));
    await openWhen("/findings", async () => (await count('[data-testid="findings-table"] tbody tr')) > 0, JOBS_MS, "findings");
    const rules = await page.$$eval('[data-testid="findings-table"] tbody tr td:nth-child(3)', (cells) => cells.map((c) => c.textContent ?? ""));
    expect(rules.filter((r) => builtin.has(r)).length).toBeGreaterThan(0);
    expect(await numberIn('[data-testid="findings-open"]')).toBeGreaterThan(0);
    await shot("findings");
  }, JOBS_MS + 30_000);

  it("timeline: lane labels overlap no other text", async () => {
    await page.goto(`${baseUrl}/timeline`);
    await settle();
    await page.waitForSelector('[data-testid="timeline-lane-label"]');
    const overlaps = await page.evaluate(() => {
      const visible = (r: DOMRect) => r.width > 0 && r.height > 0;
      // Text in a closed <details> is not drawn, yet Chromium still reports boxes for it at the summary's place.
      const drawn = (el: Element | null) => el !== null && el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true, opacityProperty: true });
      const labels = [...document.querySelectorAll('[data-testid="timeline-lane-label"]')].filter(drawn);
      const labelBoxes = labels.map((el) => ({ el, box: el.getBoundingClientRect() })).filter((l) => visible(l.box));
      const texts: Array<{ node: Text; box: DOMRect }> = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!(n instanceof Text) || n.data.trim() === "" || !drawn(n.parentElement)) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const box of range.getClientRects()) if (visible(box)) texts.push({ node: n, box });
      }
      // 1 px of slack: adjacent boxes share an edge after sub-pixel rounding.
      const hit = (a: DOMRect, b: DOMRect) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
      const found: string[] = [];
      for (const { el, box } of labelBoxes) {
        for (const t of texts) {
          if (el.contains(t.node)) continue;
          if (hit(box, t.box)) found.push(`"${(el.textContent ?? "").slice(0, 40)}" overlaps "${t.node.data.trim().slice(0, 40)}"`);
        }
      }
      return { labels: labelBoxes.length, found: found.slice(0, 20) };
    });
    await shot("timeline");
    expect(overlaps.labels).toBeGreaterThan(0);
    expect(overlaps.found).toEqual([]);
  }, PAGE_MS);

  it("trends: every chart renders with data", async () => {
    await page.goto(`${baseUrl}/trends`);
    await settle();
    for (const id of ["trend-team", "trend-channel", "trend-env", "pipeline-share", "break-glass"]) await page.waitForSelector(`[data-testid="${id}"] svg`);
    await shot("trends");
  }, PAGE_MS);

  it("an actor profile: hours, hosts and activity", async () => {
    await page.goto(`${baseUrl}/`);
    await settle();
    const href = await page.getAttribute('[data-testid="top-actors"] tbody tr:first-child a', "href");
    expect(href).toMatch(/^\/actors\//);
    await page.goto(`${baseUrl}${href ?? ""}`);
    await settle();
    await page.waitForSelector('[data-testid="actor-hours"] .heat');
    expect(await count('[data-testid="actor-hosts"] tbody tr')).toBeGreaterThan(0);
    await shot("actor");
    // "Failed to load chunk": another test run rebuilt the shared dashboard/.next under this server (server/dashboard-build.ts
    // builds in place), so the browser asks for chunks the new build removed. A user's single server never sees that.
    expect(pageErrors.filter((e) => !e.includes("Failed to load chunk"))).toEqual([]);
  }, PAGE_MS);
});
