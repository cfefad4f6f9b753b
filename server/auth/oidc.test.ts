import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oidcConfigSchema, type OidcConfig } from "../../config/auth";
import { openTestStore, type TestStore } from "../../test/store";
import { beginOidcSignIn, finishOidcSignIn, provisionOidcUser, roleFromClaims } from "./oidc";
import { startTestProvider, type TestProvider } from "./testing/oidc-provider";
import { createUser, findUserByEmail } from "./users";

let provider: TestProvider;
let store: TestStore;
let config: OidcConfig;

beforeAll(async () => {
  [provider, store] = await Promise.all([startTestProvider(), openTestStore()]);
  config = oidcConfigSchema.parse({
    issuer: provider.issuer,
    client_id: provider.clientId,
    client_secret: provider.clientSecret,
    redirect_uri: "http://127.0.0.1:9/signin/oidc/callback",
    role_claim: "prodtrail_roles",
  });
});
afterAll(async () => {
  await provider?.close();
  await store?.drop();
});

/** The browser's part: follow /authorize to the redirect back, return its query. */
async function authorize(url: URL): Promise<string> {
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location") ?? "").search;
}

describe("OpenID Connect against a real (test) provider", () => {
  it("runs the code flow with PKCE, state and nonce and returns the claims", async () => {
    provider.user = { sub: "alice-1", email: "Alice@Example.com", email_verified: true, name: "Alice" };
    const { url, state } = await beginOidcSignIn(config, "/events");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("state")).toBe(state.state);
    expect(url.searchParams.get("nonce")).toBe(state.nonce);
    const claims = await finishOidcSignIn(config, await authorize(url), state);
    expect(claims).toMatchObject({ sub: "alice-1", email: "Alice@Example.com", name: "Alice" });
  });

  it("refuses a wrong state, a replayed code, a wrong nonce, a foreign audience and a bad signature", async () => {
    const attempt = async (fault: TestProvider["tamper"], mutate?: (s: { state: string; nonce: string; verifier: string; next: string }) => void) => {
      const { url, state } = await beginOidcSignIn(config, "/");
      const query = await authorize(url);
      provider.tamper = fault;
      mutate?.(state);
      return finishOidcSignIn(config, query, state);
    };
    await expect(attempt(undefined, (s) => (s.state = "other"))).rejects.toThrow();
    await expect(attempt(undefined, (s) => (s.verifier = "x".repeat(43)))).rejects.toThrow();
    await expect(attempt("nonce")).rejects.toThrow();
    await expect(attempt("audience")).rejects.toThrow();
    await expect(attempt("signature")).rejects.toThrow();
    // And the same setup succeeds without a fault, so the refusals above are the faults'.
    await expect(attempt(undefined)).resolves.toMatchObject({ sub: "alice-1" });

    const { url, state } = await beginOidcSignIn(config, "/");
    const query = await authorize(url);
    await finishOidcSignIn(config, query, state);
    await expect(finishOidcSignIn(config, query, state)).rejects.toThrow();
  });

  it("provisions a new user with the default role once, then finds the same user", async () => {
    const claims = { sub: "bob-2", email: "bob@example.com", email_verified: true, name: "Bob" };
    const first = await provisionOidcUser(store, config, claims);
    expect(first).toMatchObject({ email: "bob@example.com", role: "viewer", passwordHash: "", oidcSubject: `${provider.issuer} bob-2` });
    const again = await provisionOidcUser(store, config, claims);
    expect(again.userId).toBe(first.userId);
  });

  it("takes the role from the configured claim, highest wins, re-read at each sign-in", async () => {
    expect(roleFromClaims(config, { prodtrail_roles: ["viewer", "admin", "other"] })).toBe("admin");
    expect(roleFromClaims(config, { prodtrail_roles: "analyst" })).toBe("analyst");
    expect(roleFromClaims(config, { prodtrail_roles: ["nothing"] })).toBeUndefined();
    const claims = { sub: "carol-3", email: "carol@example.com", email_verified: true, prodtrail_roles: ["analyst"] };
    expect(await provisionOidcUser(store, config, claims)).toMatchObject({ role: "analyst" });
    expect(await provisionOidcUser(store, config, { ...claims, prodtrail_roles: ["viewer"] })).toMatchObject({ role: "viewer" });
  });

  it("links a local account by email only when the provider verified the email", async () => {
    await createUser(store, { email: "dave@example.com", role: "admin", password: "dave's password!", createdBy: "test" });
    await expect(provisionOidcUser(store, config, { sub: "dave-unverified", email: "dave@example.com", email_verified: false })).resolves.toMatchObject({
      email: "dave-unverified@127.0.0.1",
      role: "viewer",
    });
    expect((await findUserByEmail(store, "dave@example.com"))?.oidcSubject).toBe("");
    const linked = await provisionOidcUser(store, config, { sub: "dave-4", email: "dave@example.com", email_verified: true });
    expect(linked).toMatchObject({ email: "dave@example.com", role: "admin", oidcSubject: `${provider.issuer} dave-4` });
  });
});
