"use client";

import { useActionState, type ReactNode } from "react";
import { ROLES } from "../../lib/auth/permissions";
import styles from "../signin/auth.module.css";
import {
  createKeyAction, createUserAction, endSessionsAction, revokeKeyAction, setDisabledAction, setPasswordAction, setRoleAction,
  type AdminActionState,
} from "./actions";

function Outcome({ state }: { state: AdminActionState }) {
  if (state.error) return <div className="notice error" role="alert" data-testid="admin-error">{state.error}</div>;
  if (!state.message) return null;
  return (
    <div className="notice empty" role="status" data-testid="admin-message">
      {state.message}
      {state.token ? (
        <>
          <br />
          <code className={styles.token} data-testid="new-token">{state.token}</code>
        </>
      ) : null}
    </div>
  );
}

export function CreateUserForm() {
  const [state, action, pending] = useActionState<AdminActionState, FormData>(createUserAction, {});
  return (
    <>
      <Outcome state={state} />
      <form action={action} className={styles.inline} aria-label="create a user">
        <label>Email<input name="email" type="email" required /></label>
        <label>Name<input name="name" /></label>
        <label>
          Role
          <select name="role" defaultValue="viewer">
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label>Password (≥ 12, empty: single sign-on only)<input name="password" type="password" autoComplete="new-password" /></label>
        <button type="submit" disabled={pending}>Create user</button>
      </form>
    </>
  );
}

function RowForm({ action, children, label }: { action: (s: AdminActionState, d: FormData) => Promise<AdminActionState>; children: ReactNode; label: string }) {
  const [state, run, pending] = useActionState<AdminActionState, FormData>(action, {});
  return (
    <form action={run} aria-label={label} aria-busy={pending} className={styles.row}>
      {children}
      {state.error ? <span className="notice error" role="alert" data-testid="admin-error">{state.error}</span> : null}
      {state.message && !state.error ? <span className="muted" role="status">{state.message}</span> : null}
    </form>
  );
}

export function RoleForm({ userId, role, email }: { userId: string; role: string; email: string }) {
  return (
    <RowForm action={setRoleAction} label={`role of ${email}`}>
      <input type="hidden" name="user_id" value={userId} />
      <select name="role" defaultValue={role} aria-label={`role of ${email}`}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
      <button type="submit" className={styles.quiet}>Set role</button>
    </RowForm>
  );
}

export function DisableForm({ userId, disabled, email }: { userId: string; disabled: boolean; email: string }) {
  return (
    <RowForm action={setDisabledAction} label={`${disabled ? "enable" : "disable"} ${email}`}>
      <input type="hidden" name="user_id" value={userId} />
      <input type="hidden" name="disabled" value={disabled ? "false" : "true"} />
      <button type="submit" className={styles.quiet}>{disabled ? "Enable" : "Disable"}</button>
    </RowForm>
  );
}

export function PasswordForm({ userId, email }: { userId: string; email: string }) {
  return (
    <RowForm action={setPasswordAction} label={`new password for ${email}`}>
      <input type="hidden" name="user_id" value={userId} />
      <input name="password" type="password" autoComplete="new-password" placeholder="new password" className={styles.narrow} aria-label={`new password for ${email}`} minLength={12} required />
      <button type="submit" className={styles.quiet}>Set</button>
    </RowForm>
  );
}

export function EndSessionsForm({ userId, email }: { userId: string; email: string }) {
  return (
    <RowForm action={endSessionsAction} label={`end sessions of ${email}`}>
      <input type="hidden" name="user_id" value={userId} />
      <button type="submit" className={styles.quiet} title="End every session of this user">End sessions</button>
    </RowForm>
  );
}

export function CreateKeyForm() {
  const [state, action, pending] = useActionState<AdminActionState, FormData>(createKeyAction, {});
  return (
    <>
      <Outcome state={state} />
      <form action={action} className={styles.inline} aria-label="create a collector key">
        <label>Name (e.g. the collector&apos;s host)<input name="name" required maxLength={128} /></label>
        <label><span><input type="checkbox" name="scopes" value="events:write" defaultChecked /> events:write</span></label>
        <label><span><input type="checkbox" name="scopes" value="keys:register" /> keys:register</span></label>
        <button type="submit" disabled={pending}>Create key</button>
      </form>
    </>
  );
}

export function RevokeKeyForm({ keyId, name }: { keyId: string; name: string }) {
  return (
    <RowForm action={revokeKeyAction} label={`revoke key ${name}`}>
      <input type="hidden" name="key_id" value={keyId} />
      <button type="submit" className={styles.quiet}>Revoke</button>
    </RowForm>
  );
}
