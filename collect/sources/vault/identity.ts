/**
 * Who a Vault token belongs to, from the audit entry's `auth` block.
 * `display_name` is `<auth mount>-<alias>` for most methods (`oidc-alice@…`,
 * `userpass-bob`, `jwt-organization:acme:…:workspace:prod`) and the bare
 * method for AppRole (`approle`).
 */
export type VaultActorKind = "human" | "service" | "unknown";

/** Interactive methods: a person typed a password or went through a browser. */
const HUMAN_AUTH = /^(?:oidc|ldap|userpass|github|okta|radius|saml)-/;
/** The root token and bare `token`-auth tokens say nothing about who holds them. */
const UNKNOWN_KIND = new Set(["root", "token"]);
/**
 * JWT login is non-interactive: CI and Terraform Cloud runs present a
 * workload identity token (`jwt-repo:org/app:ref:…`). Only when the claim
 * Vault names the token by is an e-mail address was it a person's OIDC token.
 */
const JWT_PERSON = /^jwt-[^\s@:]{1,256}@[^\s@:]{1,256}\.[a-z]{2,63}$/i;

export function vaultActorKind(displayName: string): VaultActorKind {
  if (UNKNOWN_KIND.has(displayName)) return "unknown";
  if (HUMAN_AUTH.test(displayName) || JWT_PERSON.test(displayName)) return "human";
  // approle, jwt workloads, kubernetes, aws, gcp, azure, cert…: machines.
  return "service";
}

/** The role the token was issued for (`metadata.role` for JWT/OIDC/Kubernetes, `role_name` for AppRole). */
export function vaultRole(metadata: Record<string, unknown> | null | undefined): string | undefined {
  const role = metadata?.role ?? metadata?.role_name;
  return typeof role === "string" && role !== "" ? role : undefined;
}
