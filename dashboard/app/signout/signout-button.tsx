import type { Viewer } from "../../lib/auth/permissions";
import styles from "../signin/auth.module.css";

/**
 * The signed-in person and a sign-out button, for the top bar
 * (layout.tsx: `{viewer ? <SignOutButton viewer={viewer} /> : null}` with
 * `const viewer = await getViewer()`). A form POST, so it works without
 * JavaScript and cannot be triggered by a cross-site link.
 */
export function SignOutButton({ viewer }: { viewer: Pick<Viewer, "email" | "role"> }) {
  return (
    <form method="post" action="/signout" className={styles.signout} data-testid="signout">
      <span className="tagline">
        {viewer.email} · {viewer.role}
      </span>{" "}
      <button type="submit" className={styles.quiet}>
        Sign out
      </button>
    </form>
  );
}
