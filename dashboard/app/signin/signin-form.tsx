"use client";

import { useActionState } from "react";
import { signIn, type SignInState } from "./actions";
import styles from "./auth.module.css";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  return (
    <form action={action} className={styles.form} aria-label="sign in with email and password">
      {state.error ? (
        <div className="notice error" role="alert" data-testid="signin-error">
          {state.error}
        </div>
      ) : null}
      <input type="hidden" name="next" value={next} />
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email ?? ""} autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
