import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { sharedAuthRuntime } from "../../../server/auth/runtime";
import { safeNextPath } from "../../lib/auth/next-path";
import { getViewer } from "../../lib/auth/session";
import styles from "./auth.module.css";
import { SignInForm } from "./signin-form";

export const metadata: Metadata = { title: "Sign in · prodtrail" };
// Reads the session cookie: never prerendered (and the CSP nonce needs a per-request render).
export const dynamic = "force-dynamic";

const OIDC_ERRORS: Record<string, string> = {
  oidc: "Single sign-on did not complete. Try again; if it keeps failing, the server log says why.",
  "oidc-expired": "The single sign-on attempt took too long or was started in another tab. Start it again.",
  "oidc-disabled": "Your account is disabled. Ask an administrator to enable it.",
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : "/");
  if (await getViewer()) redirect(next);
  const oidc = sharedAuthRuntime().config.oidc;
  const error = typeof params.error === "string" ? OIDC_ERRORS[params.error] : undefined;
  return (
    <div className={styles.card}>
      <h1>Sign in</h1>
      <p className="sub">prodtrail records who touched production — and who looked.</p>
      {error ? (
        <div className="notice error" role="alert">
          {error}
        </div>
      ) : null}
      <SignInForm next={next} />
      {oidc ? (
        <>
          <div className={styles.or}>or</div>
          {/* A link, not a form: CSP form-action would block the redirect to the provider. */}
          <a className={styles.sso} href={`/signin/oidc?next=${encodeURIComponent(next)}`} data-testid="oidc-signin" rel="nofollow">
            {oidc.display_name}
          </a>
        </>
      ) : null}
    </div>
  );
}
