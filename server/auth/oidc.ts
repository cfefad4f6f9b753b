import * as client from "openid-client";
import { z } from "zod";
import type { OidcConfig } from "../../config/auth";
import { ROLES, type Role } from "../../dashboard/lib/auth/permissions";
import type { Store } from "../../store/open";
import { createUser, findUserByEmail, findUserByOidcSubject, updateUser, type User } from "./users";

/**
 * OpenID Connect sign-in with openid-client v6: authorization code flow with
 * PKCE (S256), state and nonce. The provider's metadata is discovered once
 * per issuer and kept; a failed discovery is retried at the next sign-in.
 *
 * Plain-http issuers are accepted only on loopback (a provider in a test or
 * on the same machine); anything else must be https.
 */
export const OIDC_STATE_TTL_MS = 10 * 60 * 1000;

export const oidcStateSchema = z.object({ state: z.string(), nonce: z.string(), verifier: z.string(), next: z.string() });
export type OidcState = z.output<typeof oidcStateSchema>;

export class OidcError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OidcError";
  }
}

const discovered = new Map<string, Promise<client.Configuration>>();

function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

export function oidcConfiguration(config: OidcConfig): Promise<client.Configuration> {
  const key = `${config.issuer} ${config.client_id}`;
  let found = discovered.get(key);
  if (!found) {
    const issuer = new URL(config.issuer);
    const auth = config.client_secret ? client.ClientSecretBasic(config.client_secret) : client.None();
    const insecure = issuer.protocol === "http:" && isLoopback(issuer);
    // Non-repudiation: the ID token's signature is checked against the
    // provider's JWKS even though it came straight from the token endpoint
    // (OIDC lets TLS stand in for that): who signed in to the audit tool is
    // itself evidence, and a loopback http provider has no TLS to lean on.
    const execute = [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])];
    found = client.discovery(issuer, config.client_id, config.client_secret || undefined, auth, { execute });
    found.catch(() => discovered.delete(key));
    discovered.set(key, found);
  }
  return found;
}

/** The provider URL to send the browser to, and the state to keep in a signed cookie until it comes back. */
export async function beginOidcSignIn(config: OidcConfig, next: string): Promise<{ url: URL; state: OidcState }> {
  const configuration = await oidcConfiguration(config);
  const verifier = client.randomPKCECodeVerifier();
  const state: OidcState = { state: client.randomState(), nonce: client.randomNonce(), verifier, next };
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: config.redirect_uri,
    scope: config.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: state.state,
    nonce: state.nonce,
  });
  return { url, state };
}

const claimsSchema = z.looseObject({
  sub: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.boolean().optional(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});
export type OidcClaims = z.output<typeof claimsSchema>;

/** Exchanges the code (checking state, nonce and PKCE) and returns the ID token's claims. */
export async function finishOidcSignIn(config: OidcConfig, callbackQuery: string, state: OidcState): Promise<OidcClaims> {
  const configuration = await oidcConfiguration(config);
  const current = new URL(config.redirect_uri);
  current.search = callbackQuery;
  const tokens = await client.authorizationCodeGrant(configuration, current, {
    pkceCodeVerifier: state.verifier,
    expectedState: state.state,
    expectedNonce: state.nonce,
    idTokenExpected: true,
  });
  const parsed = claimsSchema.safeParse(tokens.claims());
  if (!parsed.success) throw new OidcError("the provider's ID token has no usable subject (sub)");
  return parsed.data;
}

/** The highest role named in the configured claim (a string or an array of strings), if any. */
export function roleFromClaims(config: OidcConfig, claims: Record<string, unknown>): Role | undefined {
  if (!config.role_claim) return undefined;
  const value = claims[config.role_claim];
  const values = Array.isArray(value) ? value : [value];
  const found = ROLES.filter((role) => values.includes(role));
  return found[found.length - 1];
}

/**
 * The user for these claims: the one linked to this issuer+subject; else a
 * local user with the same email, linked now — only when the provider says
 * the email is verified, or anyone able to set an email at the provider
 * could take over that account; else a new user with the default role.
 */
export async function provisionOidcUser(store: Store, config: OidcConfig, claims: OidcClaims): Promise<User> {
  const subject = `${config.issuer} ${claims.sub}`;
  const claimedRole = roleFromClaims(config, claims);
  let user = await findUserByOidcSubject(store, subject);
  if (!user && claims.email && claims.email_verified === true) {
    const byEmail = await findUserByEmail(store, claims.email);
    if (byEmail && byEmail.oidcSubject === "") user = await updateUser(store, byEmail.userId, { oidcSubject: subject }, `oidc link ${config.issuer}`);
  }
  if (!user) {
    const email = claims.email && claims.email_verified !== false ? claims.email : `${claims.sub}@${new URL(config.issuer).hostname}`;
    return createUser(store, {
      email,
      name: claims.name ?? claims.preferred_username ?? "",
      role: claimedRole ?? config.default_role,
      oidcSubject: subject,
      createdBy: `oidc ${config.issuer}`,
    });
  }
  if (claimedRole && claimedRole !== user.role && !user.disabled) {
    user = await updateUser(store, user.userId, { role: claimedRole }, `oidc ${config.role_claim ?? "role"} claim`);
  }
  return user;
}
