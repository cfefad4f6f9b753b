import { z } from "zod";
import { ROLES } from "../dashboard/lib/auth/permissions";

/**
 * `auth:` in prodtrail.yaml — dashboard sign-in. Local users (created by the
 * initial admin and on /admin) always work; `oidc:` adds single sign-on.
 */
export const oidcConfigSchema = z.strictObject({
  /** The provider's issuer URL; its /.well-known/openid-configuration is fetched at the first sign-in. */
  issuer: z.url({ message: "must be the provider's issuer URL, e.g. https://accounts.example.com" }),
  client_id: z.string().min(1, { message: "must not be empty" }),
  /** Empty for a public client (PKCE alone); set for a confidential one (client_secret_basic). */
  client_secret: z.string().default(""),
  /** This dashboard's callback, registered at the provider: https://<host>/signin/oidc/callback */
  redirect_uri: z.url({ message: "must be this dashboard's callback URL, ending in /signin/oidc/callback" }),
  scope: z.string().default("openid email profile"),
  /**
   * An ID-token/userinfo claim naming the role: a string or an array of
   * strings; the highest of viewer/analyst/admin found in it wins, and is
   * re-read at every sign-in. Unset: the role is whatever an admin sets.
   */
  role_claim: z.string().min(1).optional(),
  /** Role of a user signing in for the first time (and when role_claim names none). */
  default_role: z.enum(ROLES).default("viewer"),
  /** Label of the sign-in button. */
  display_name: z.string().default("Single sign-on"),
});

export const authConfigSchema = z.strictObject({
  /**
   * Mark cookies Secure. Unset: Secure when the request arrived over https
   * (directly or with X-Forwarded-Proto: https from a TLS proxy).
   */
  secure_cookies: z.boolean().optional(),
  /**
   * Key that signs the short-lived OpenID Connect state cookie (≥ 32
   * characters). Unset: a random key per process — a sign-in that spans a
   * restart then has to be started again, nothing else.
   */
  cookie_secret: z.string().min(32, { message: "must be at least 32 characters" }).optional(),
  oidc: oidcConfigSchema.optional(),
});

export type AuthConfig = z.output<typeof authConfigSchema>;
export type OidcConfig = z.output<typeof oidcConfigSchema>;
