import { mkdirSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema";
import { createLogger } from "../../lib/log";
import { startServe, type RunningServe } from "../../server/serve";
import { startTestProvider, type TestProvider } from "../../server/auth/testing/oidc-provider";
import { createSession, SESSION_COOKIE } from "../../server/auth/sessions";
import { createUser, findUserByEmail } from "../../server/auth/users";
import { insertEvents } from "../../store/events";
import { makeEvent } from "../factories/events";
import { openTestStore, type TestStore } from "../store";

/**
 * Sign-in and roles as a person meets them: Debian's Chromium against the
 * real `prodtrail serve` (production Next build, real store, the OIDC test
 * provider on another port). Screenshots go to test-artifacts/screenshots/.
 */
const SHOTS = join(process.cwd(), "test-artifacts", "screenshots");
const log = createLogger("auth-e2e", "warn");
const PASSWORD = "e2e password 1234";
const users = { admin: "admin.e2e@example.com", analyst: "analyst.e2e@example.com", viewer: "viewer.e2e@example.com" } as const;

let store: TestStore;
let provider: TestProvider;
let serve: RunningServe;
let browser: Browser;
/** Every console error and CSP violation any page reported. */
const consoleErrors: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [store, provider] = await Promise.all([openTestStore(), startTestProvider()]);
  for (const [role, email] of Object.entries(users)) {
    await createUser(store, { email, name: `${role} e2e`, role: role === "admin" ? "admin" : role === "analyst" ? "analyst" : "viewer", password: PASSWORD, createdBy: "e2e" });
  }
  // The OIDC redirect URI names the port, so the port is chosen before the server starts.
  const port = await freePort();
  const config = configSchema.parse({
    server: { port },
    auth: {
      oidc: { issuer: provider.issuer, client_id: provider.clientId, client_secret: provider.clientSecret, redirect_uri: `http://127.0.0.1:${port}/signin/oidc/callback` },
    },
  });
  serve = await startServe({ config, log, store, dev: false });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await serve?.close();
  await provider?.close();
  await store?.drop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return { context, page };
}

async function signIn(page: Page, email: string, password = PASSWORD, next = "/"): Promise<void> {
  await page.goto(`${serve.url}/signin?next=${encodeURIComponent(next)}`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('button[type="submit"]');
}

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value;
}

const get = (path: string, cookie?: string) =>
  fetch(`${serve.url}${path}`, { redirect: "manual", headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {} });

describe("sign-in and roles in Chromium", () => {
  it("sends a signed-out visitor to /signin, keeping where they were going", async () => {
    const res = await get("/events?env=prod");
    expect([303, 307, 308]).toContain(res.status);
    expect(res.headers.get("location")).toBe("/signin?next=%2Fevents%3Fenv%3Dprod");
    const { context, page } = await newPage();
    await page.goto(`${serve.url}/trends`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    await page.screenshot({ path: join(SHOTS, "signin.png"), fullPage: true });
    await context.close();
  });

  it("serves every page with a nonce CSP and the other security headers, and Next's scripts carry the nonce", async () => {
    const res = await get("/signin");
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const again = (await get("/signin")).headers.get("content-security-policy");
    expect(again).not.toBe(csp);
    // Not-found pages render per request too (the layout reads cookies), so their scripts get the nonce as well.
    const missing = await get("/no-such-page");
    const missingNonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(missing.headers.get("content-security-policy") ?? "")?.[1];
    for (const [tag] of (await missing.text()).matchAll(/<script\b[^>]*>/g)) expect(tag).toContain(`nonce="${missingNonce}"`);
  });

  it("created no initial admin: users already existed when the server started", () => {
    expect(serve.initialAdmin).toEqual({ created: false });
  });

  it("refuses a wrong password with a message that does not say whether the email exists", async () => {
    const { context, page } = await newPage();
    await signIn(page, users.analyst, "not the password!");
    const known = await page.getByTestId("signin-error").textContent();
    await signIn(page, "nobody.here@example.com", "not the password!");
    const unknown = await page.getByTestId("signin-error").textContent();
    expect(known).toBe(unknown);
    expect(await sessionCookie(context)).toBeUndefined();
    await context.close();
  });

  it("locks an email out after 10 failed attempts and says so on the page", async () => {
    const email = `locked-${Date.now()}@example.com`;
    await createUser(store, { email, role: "viewer", password: PASSWORD, createdBy: "e2e" });
    const { context, page } = await newPage();
    for (let i = 0; i < 10; i++) {
      await signIn(page, email, `wrong password ${i}`);
      await page.getByTestId("signin-error").waitFor();
    }
    await signIn(page, email, PASSWORD);
    await expect.poll(() => page.getByTestId("signin-error").textContent()).toContain("locked");
    await page.screenshot({ path: join(SHOTS, "signin-locked.png"), fullPage: true });
    expect(await sessionCookie(context)).toBeUndefined();
    await context.close();
  });

  it("holds the limit when 100 sign-ins are posted at once, the right password at #90: no session, at most 10 passwords checked", async () => {
    const email = `parallel-${Date.now()}@example.com`;
    await createUser(store, { email, role: "admin", password: PASSWORD, createdBy: "e2e" });
    // The form as a browser without JavaScript posts it: Next's hidden action fields plus ours (issue #9 sent these in parallel).
    const form = /<form[^>]*aria-label="sign in with email and password"[^>]*>([\s\S]*?)<\/form>/.exec(await (await get("/signin")).text())?.[1] ?? "";
    const hidden = [...form.matchAll(/<input[^>]*type="hidden"[^>]*>/g)].map(([tag]) => [attr(tag, "name"), attr(tag, "value")] as const);
    expect(hidden.some(([name]) => name.startsWith("$ACTION"))).toBe(true);
    const post = (password: string) => {
      const body = new FormData();
      for (const [name, value] of hidden) body.append(name, value);
      body.append("email", email);
      body.append("password", password);
      return fetch(`${serve.url}/signin`, { method: "POST", body, redirect: "manual", headers: { origin: serve.url } });
    };
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => post(i === 89 ? PASSWORD : `wrong guess number ${i}`)));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.filter((r) => r.status === 303 || (r.headers.get("set-cookie") ?? "").includes(SESSION_COOKIE))).toEqual([]);
    const checked = texts.filter((t) => t.includes("do not match an active account")).length;
    const locked = texts.filter((t) => t.includes("Too many failed sign-ins")).length;
    expect(checked + locked).toBe(100);
    expect(checked).toBeLessThanOrEqual(10);
    expect(texts[89]).toContain("Too many failed sign-ins");
  });

  for (const role of ["admin", "analyst", "viewer"] as const) {
    it(`signs in as ${role}: HttpOnly SameSite=Lax cookie, back to the page asked for, name and role in the top bar`, async () => {
      const { context, page } = await newPage();
      await signIn(page, users[role], PASSWORD, "/trends");
      await page.waitForURL(`${serve.url}/trends`);
      const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
      await expect.poll(() => page.getByTestId("signout").textContent()).toContain(`${users[role]} · ${role}`);
      await page.screenshot({ path: join(SHOTS, `trends-as-${role}.png`), fullPage: true });
      await context.close();
    });
  }

  it("keeps viewers and analysts out of admin, and viewers out of events by URL and export", async () => {
    for (const role of ["viewer", "analyst"] as const) {
      const { context, page } = await newPage();
      await signIn(page, users[role]);
      await page.waitForURL(`${serve.url}/`);
      await page.goto(`${serve.url}/admin`);
      await expect.poll(() => page.getByTestId("forbidden").count()).toBe(1);
      expect(await page.getByTestId("users").count()).toBe(0);
      if (role === "viewer") {
        const cookie = await sessionCookie(context);
        const exported = await get("/timeline/export?format=md&range=24h", cookie);
        expect(exported.status).toBe(403);
        expect(await exported.text()).not.toContain("|");
        await page.goto(`${serve.url}/events`);
        await page.screenshot({ path: join(SHOTS, "events-as-viewer.png"), fullPage: true });
        expect(await page.locator("[data-event-id]").count()).toBe(0);
      }
      await context.close();
    }
    expect((await get("/timeline/export?format=md")).status).toBe(401);
  });

  it("refuses a sign-in form posted from another site (login CSRF), and a forged sign-out", async () => {
    // The attacker's page, on another origin, replays the sign-in form with
    // every hidden field Next renders for the server action, and submits it.
    const form = /<form[^>]*aria-label="sign in with email and password"[^>]*>([\s\S]*?)<\/form>/.exec(await (await get("/signin")).text())?.[1];
    expect(form).toContain("$ACTION");
    const attacker = createHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<form id="f" method="post" enctype="multipart/form-data" action="${serve.url}/signin">${form ?? ""}</form>
        <script>document.querySelector('[name=email]').value=${JSON.stringify(users.admin)};
        document.querySelector('[name=password]').value=${JSON.stringify(PASSWORD)};document.getElementById('f').submit();</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    const address = attacker.address();
    const attackerUrl = `http://localhost:${address && typeof address === "object" ? address.port : 0}/`;
    try {
      const { context, page } = await newPage();
      const posted = page.waitForResponse((r) => r.url().startsWith(`${serve.url}/signin`) && r.request().method() === "POST");
      await page.goto(attackerUrl);
      const response = await posted;
      expect(response.request().headers().origin ?? (await response.request().allHeaders()).origin).toBe(attackerUrl.slice(0, -1));
      // A clean 403 from the dashboard's proxy, not Next's 500 for a refused server action (issue #9).
      expect(response.status()).toBe(403);
      expect(await sessionCookie(context)).toBeUndefined();
      await context.close();
    } finally {
      attacker.closeAllConnections();
      await new Promise((resolve) => attacker.close(resolve));
    }
    // The sign-out route handler checks Origin itself.
    const forged = await fetch(`${serve.url}/signout`, { method: "POST", redirect: "manual", headers: { origin: "http://evil.example" } });
    expect(forged.status).toBe(403);
  });

  it("signs out: the cookie is gone and the old session no longer works anywhere", async () => {
    const { context, page } = await newPage();
    await signIn(page, users.analyst);
    await page.waitForURL(`${serve.url}/`);
    const token = await sessionCookie(context);
    expect(token).toBeTruthy();
    expect((await get("/", token)).status).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${serve.url}/signin`);
    expect(await sessionCookie(context)).toBeUndefined();
    const replay = await get("/", token);
    expect(replay.status).toBe(307);
    expect(replay.headers.get("location")).toContain("/signin");
    await context.close();
  });

  it("signs in with OpenID Connect, provisioning a viewer on first sign-in", async () => {
    provider.user = { sub: `sso-${Date.now()}`, email: "sso.person@example.com", email_verified: true, name: "SSO Person" };
    const { context, page } = await newPage();
    await page.goto(`${serve.url}/signin?next=%2Ftrends`);
    await page.getByTestId("oidc-signin").click();
    await page.waitForURL(`${serve.url}/trends`);
    await expect.poll(() => page.getByTestId("signout").textContent()).toContain("sso.person@example.com · viewer");
    expect(provider.tokensIssued).toBeGreaterThan(0);
    await context.close();
  });

  it("lets an admin create a user and a collector key (shown once) and revoke it, each change audited", async () => {
    const { context, page } = await newPage();
    await signIn(page, users.admin, PASSWORD, "/admin");
    await page.waitForURL(`${serve.url}/admin`);
    const newEmail = `made-${Date.now()}@example.com`;
    const userForm = page.getByRole("form", { name: "create a user" });
    await userForm.locator('input[name="email"]').fill(newEmail);
    await userForm.locator('select[name="role"]').selectOption("analyst");
    // Nothing of the email in it: a password built on the account's own name is refused as guessable.
    await userForm.locator('input[name="password"]').fill("violet tram cactus 9");
    await userForm.getByRole("button", { name: "Create user" }).click();
    // The action hashes (scrypt) and scores (zxcvbn) the password: seconds on this shared 2-core box, longer than poll's default 1 s.
    await page.locator(`tr[data-email="${newEmail}"], [data-testid="admin-error"]`).first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("admin-error").allTextContents()).toEqual([]);
    expect(await page.locator(`tr[data-email="${newEmail}"]`).count()).toBe(1);

    const keyForm = page.getByRole("form", { name: "create a collector key" });
    await keyForm.locator('input[name="name"]').fill("e2e-collector");
    await keyForm.getByRole("button", { name: "Create key" }).click();
    const token = await page.getByTestId("new-token").textContent();
    expect(token).toMatch(/^ptk_[0-9a-f]{16}_/);
    await page.screenshot({ path: join(SHOTS, "admin.png"), fullPage: true });
    await page.getByRole("form", { name: "revoke key e2e-collector" }).getByRole("button", { name: "Revoke" }).click();
    // The revoke action re-renders the whole admin page (users, keys, retention): seconds on a loaded 2-core box, past poll's 1 s default.
    await expect.poll(() => page.getByTestId("keys").textContent(), { timeout: 20_000 }).toContain("revoked");
    await page.reload();
    expect(await page.content()).not.toContain(token ?? "(none)");

    const rows = await store.client.query({
      query: `SELECT command FROM ${store.tables.events} WHERE type = 'audit.view' AND actor_id = {a:String} AND labels['action'] = 'admin' ORDER BY occurred_at`,
      query_params: { a: users.admin },
      format: "JSONEachRow",
    });
    const commands = (await rows.json<{ command: string }>()).map((r) => r.command);
    expect(commands.some((c) => c.includes("op=create-user") && c.includes(newEmail))).toBe(true);
    expect(commands.some((c) => c.includes("op=create-key"))).toBe(true);
    expect(commands.some((c) => c.includes("op=revoke-key"))).toBe(true);
    await context.close();
  });

  it("records page views and sign-ins as events through the pipeline", async () => {
    const rows = await store.client.query({
      query: `SELECT type, actor_id, channel, session_id, resource FROM ${store.tables.events} WHERE env = 'prodtrail' ORDER BY occurred_at`,
      format: "JSONEachRow",
    });
    const events = await rows.json<{ type: string; actor_id: string; channel: string; session_id: string; resource: string }>();
    expect(events.some((e) => e.type === "audit.view" && e.actor_id === users.admin && e.resource === "/admin" && e.session_id !== "")).toBe(true);
    expect(events.some((e) => e.type === "access.login" && e.actor_id === users.viewer && e.channel === "dashboard")).toBe(true);
    expect(events.some((e) => e.type === "access.login_failed" && e.actor_id === "nobody.here@example.com")).toBe(true);
    expect(events.some((e) => e.type === "access.logout" && e.actor_id === users.analyst && e.session_id !== "")).toBe(true);
  });

  it("saw no script errors or CSP violations in any page", () => {
    // The forged-Origin test makes Next log a failed server action; everything else must be clean.
    const unexpected = consoleErrors.filter((e) => !/Failed to load resource|server action|Server Action/i.test(e) || /Content Security Policy/i.test(e));
    expect(unexpected).toEqual([]);
  });
});

/** One attribute of an HTML tag as rendered by React (double quotes, entities escaped). */
function attr(tag: string, name: string): string {
  const raw = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1] ?? "";
  return raw.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A fresh session of one of the e2e users, as the raw cookie value `get` takes. */
async function tokenOf(email: string): Promise<string> {
  const user = await findUserByEmail(store, email);
  if (!user) throw new Error(`no e2e user ${email}`);
  return (await createSession(store, { userId: user.userId, method: "password" })).token;
}

async function auditRows(actor: string, resource: string) {
  const rows = await store.client.query({
    query: `SELECT command, outcome, labels['refused'] AS refused, labels['action'] AS action FROM ${store.tables.events}
      WHERE type = 'audit.view' AND actor_id = {a:String} AND resource = {r:String} ORDER BY occurred_at`,
    query_params: { a: actor, r: resource },
    format: "JSONEachRow",
  });
  return rows.json<{ command: string; outcome: string; refused: string; action: string }>();
}

/** Issue #9, classes 6 and 8, through the real server with plain HTTP: statuses, bodies and the audit records they leave. */
describe("refusals: 403 with the reason, and each one on the record", () => {
  it("answers 403 for a page the role may not open, or a filter it may not use, saying why", async () => {
    const viewer = await tokenOf(users.viewer);
    for (const [path, why] of [["/events", "events:read"], ["/timeline", "timeline:read"], ["/actors/alice%40example.com", "profiles:read"], ["/?q=hunter2", "filter by"], ["/trends?host=db-01", "filter by"], ["/drift", "drift:read"]] as const) {
      const res = await get(path, viewer);
      expect(res.status, path).toBe(403);
      // The 403 page is Next's error shell; app/forbidden.tsx's notice travels in its RSC payload and renders in the browser.
      const html = await res.text();
      expect(html, path).toContain("Not available to your role.");
      expect(html, path).toContain(why);
    }
    expect((await get("/admin", await tokenOf(users.analyst))).status).toBe(403);
    // Still open: the overview without the refused filter.
    expect((await get("/?env=prod", viewer)).status).toBe(200);
    const refused = await auditRows(users.viewer, "/");
    expect(refused).toEqual(expect.arrayContaining([expect.objectContaining({ outcome: "failure", refused: "true", command: expect.stringContaining("q=hunter2") })]));
    const events = await auditRows(users.viewer, "/events");
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toMatchObject({ outcome: "failure", refused: "true" });
    expect(await auditRows(users.analyst, "/admin")).toEqual(expect.arrayContaining([expect.objectContaining({ refused: "true" })]));
  });

  it("audits a refused export with what it asked for", async () => {
    const res = await get("/api/v1/export?format=csv&q=hunter2", await tokenOf(users.viewer));
    expect(res.status).toBe(403);
    expect(await auditRows(users.viewer, "/api/v1/export")).toEqual([expect.objectContaining({ action: "export", outcome: "failure", refused: "true", command: expect.stringContaining("q=hunter2") })]);
  });

  it("audits an event-detail view with the event id", async () => {
    const event = makeEvent({ type: "access.exec", occurred_at: new Date(Date.now() - 60_000).toISOString(), command: "cat /etc/shadow" });
    await insertEvents(store, [event]);
    const res = await get(`/events?event=${event.event_id}`, await tokenOf(users.analyst));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("cat /etc/shadow");
    const views = await auditRows(users.analyst, "/events");
    expect(views.some((v) => v.command.includes(`event=${event.event_id}`))).toBe(true);
  });

  it("builds the timeline permalink on the server's public URL, not on the Host the request came under", async () => {
    const base = new URL(serve.url);
    const underAnotherName = `http://localhost:${base.port}/timeline/export?format=md&range=24h`;
    const res = await fetch(underAnotherName, { headers: { cookie: `${SESSION_COOKIE}=${await tokenOf(users.analyst)}` } });
    expect(res.status).toBe(200);
    const md = await res.text();
    expect(md).toContain(`${base.origin}/timeline?`);
    expect(md).not.toContain("http://localhost:");
  });

  it("answers a broken % escape in the URL without a 500", async () => {
    const analyst = await tokenOf(users.analyst);
    for (const path of ["/events?q=%E0%A4%A", "/?range=%E0%A4%A", "/actors/%E0%A4%A", "/hosts/web%ZZ", "/timeline?host=%ZZ"]) {
      const res = await get(path, analyst);
      expect(res.status, path).toBeLessThan(500);
    }
    const path = await get("/actors/%E0%A4%A", analyst);
    expect(path.status).toBe(400);
    expect(await path.text()).toContain("not valid UTF-8");
    expect((await get("/events?q=%E0%A4%A")).status).toBeLessThan(500);
  });

  it("answers a sign-in server action posted from a foreign Origin with a clean 403", async () => {
    const res = await fetch(`${serve.url}/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "http://evil.example", "next-action": "0".repeat(42), "content-type": "text/plain;charset=UTF-8" },
      body: "[]",
    });
    // Refused before any action runs: by serve's public-URL check when it is there, else by the dashboard's proxy.
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Origin \\?"http:\/\/evil\.example\\?" is not/);
  });
});
