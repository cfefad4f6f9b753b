import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema";
import { createLogger } from "../lib/log";
import { makeEvents } from "../test/factories/events";
import { signedInCookie } from "../test/session";
import { openTestStore, type TestStore } from "../test/store";
import { dashboardBuildState } from "./dashboard-build";
import { publishStore } from "./global-store";
import { startServe, type RunningServe } from "./serve";

/**
 * The whole of `prodtrail serve` as a user meets it: store, gateway and the
 * Next dashboard in production mode in this process, on an ephemeral port.
 * beforeAll builds the dashboard when its build is missing or stale (about
 * 16 s on 2 cores, once); otherwise start-up takes a couple of seconds.
 */
const log = createLogger("serve-e2e", "warn");
let store: TestStore;
let serve: RunningServe;
let built: string;
/** A viewer's session: every page and /api/v1/counts needs one. */
let cookie: string;

beforeAll(async () => {
  store = await openTestStore();
  const state = dashboardBuildState();
  built = state.needed ? `built (${state.reason})` : "up to date";
  serve = await startServe({ config: configSchema.parse({ server: { port: 0 } }), log, store, dev: false });
  ({ cookie } = await signedInCookie(store, "viewer"));
}, 240_000);
afterAll(async () => {
  await serve?.close();
  await store?.drop();
});

const text = async (path: string) => {
  const res = await fetch(`${serve.url}${path}`, { headers: { cookie } });
  return { status: res.status, html: await res.text(), headers: res.headers };
};
/** The page's total, from the element the page marks for tests. */
const totalOnPage = (html: string) => /data-testid="total"[^>]*>([\d,]+)</.exec(html)?.[1]?.replaceAll(",", "");

describe(`prodtrail serve with the dashboard (production build)`, () => {
  it("runs Next in production mode", () => {
    expect(serve.dashboard).toBe("production");
    expect(built).toBeTruthy();
  });

  it("shows the count of events posted through the gateway, and marks demo data", async () => {
    const env = `e2e-${randomBytes(4).toString("hex")}`;
    const demoEnv = `demo-${env}`;
    const events = [...makeEvents(4, { env }), ...makeEvents(3, { env: demoEnv, labels: { demo: "true" }, type: "change.file", channel: "sudo" })];
    const res = await fetch(`${serve.url}/api/v1/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events }) });
    expect(res.status).toBe(200);

    const real = await text(`/?env=${env}`);
    expect(real.status).toBe(200);
    expect(totalOnPage(real.html)).toBe("4");
    expect(real.html).not.toContain('data-testid="demo-notice"');

    const demo = await text(`/?env=${demoEnv}`);
    expect(totalOnPage(demo.html)).toBe("3");
    expect(demo.html).toContain('data-testid="demo-notice"');

    const all = await text("/");
    expect(Number(totalOnPage(all.html))).toBeGreaterThanOrEqual(7);
    expect(all.html).toContain('data-testid="access-series"');
  });

  it("says what to do when there are no events", async () => {
    const page = await text(`/?env=nothing-${randomBytes(4).toString("hex")}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="empty"');
    expect(page.html).toContain("POST /api/v1/events");
  });

  it("shows an error state, not an empty page, when the store cannot be read", async () => {
    publishStore(undefined);
    try {
      const page = await text("/");
      expect(page.html).toContain("The store could not be read");
      expect(page.html).not.toContain('data-testid="empty"');
    } finally {
      publishStore(store);
    }
    expect((await text("/")).html).not.toContain("The store could not be read");
  });

  it("refuses a malformed env filter with a message naming it", async () => {
    const page = await text(`/?env=${encodeURIComponent("x' OR 1=1")}`);
    expect(page.html).toContain("Bad filter");
  });

  it("serves the page's numbers as JSON at /api/v1/counts, to signed-in users only", async () => {
    const res = await fetch(`${serve.url}/api/v1/counts?hours=24`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const body: unknown = await res.json();
    expect(body).toMatchObject({ hours: 24, env: "" });
    expect((await fetch(`${serve.url}/api/v1/counts?hours=nope`, { headers: { cookie } })).status).toBe(400);
    expect((await fetch(`${serve.url}/api/v1/counts?hours=24`)).status).toBe(401);
  });

  it("sends a signed-out visitor to the sign-in page", async () => {
    const res = await fetch(`${serve.url}/events`, { redirect: "manual" });
    expect([302, 303, 307]).toContain(res.status);
    expect(res.headers.get("location")).toContain("/signin");
  });

  it("keeps /api/ paths away from Next: unknown ones are JSON 404s", async () => {
    const res = await fetch(`${serve.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});
