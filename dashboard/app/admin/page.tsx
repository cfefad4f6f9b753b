import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { adminListKeys, adminListUsers } from "../../lib/auth/admin";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { recordAudit } from "../../lib/audit";
import { getStore } from "../../lib/store";
import { Pager, offsetParam } from "../../components/pager";
import { RetentionPanel } from "./retention";
import { CreateKeyForm, CreateUserForm, DisableForm, EndSessionsForm, PasswordForm, RevokeKeyForm, RoleForm } from "./forms";

export const metadata: Metadata = { title: "Admin · prodtrail" };
export const dynamic = "force-dynamic";

const time = (iso: string) => iso.slice(0, 16).replace("T", " ");

/**
 * Rows per page of each list: one API key per collector host makes thousands
 * on a fleet. The lists come whole from lib/auth/admin.ts (users and keys are
 * small tables, one row each); only the page is rendered.
 */
const ADMIN_PAGE = 50;

type Raw = Record<string, string | string[] | undefined>;
const first = (raw: Raw, key: string) => (Array.isArray(raw[key]) ? raw[key][0] : raw[key]);

export default async function AdminPage({ searchParams }: { searchParams: Promise<Raw> }) {
  const viewer = await requireViewer();
  const raw = await searchParams;
  const usersAt = offsetParam(first(raw, "users"), ADMIN_PAGE);
  const keysAt = offsetParam(first(raw, "keys"), ADMIN_PAGE);
  const href = (list: "users" | "keys", offset: number) => {
    const q = new URLSearchParams({ users: String(usersAt), keys: String(keysAt) });
    q.set(list, String(offset));
    return `/admin?${q.toString()}#${list}`;
  };
  let users, keys;
  try {
    [users, keys] = await Promise.all([adminListUsers(viewer, getStore()), adminListKeys(viewer, getStore())]);
  } catch (error) {
    if (!(error instanceof ForbiddenError)) throw error;
    // A refused look at user and key administration is itself on the record; then 403 (app/forbidden.tsx says why).
    await recordAudit(viewer, { action: "view", resource: "/admin", refused: error.message });
    forbidden();
  }
  await recordAudit(viewer, { action: "view", resource: "/admin" });
  return (
    <>
      <h1>Admin</h1>
      <p className="sub">Users of this dashboard and the API keys collectors post events with. Every change here is itself an audit event.</p>

      <h2 id="users">Users <span className="muted">{users.length}</span></h2>
      <CreateUserForm />
      <div className="scroll">
        <table data-testid="users">
          <thead>
            <tr><th>Email</th><th>Name</th><th>Role</th><th>Sign-in</th><th>Password</th><th>Status</th><th>Created</th><th /></tr>
          </thead>
          <tbody>
            {users.slice(usersAt, usersAt + ADMIN_PAGE).map((u) => (
              <tr key={u.userId} data-email={u.email}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td><RoleForm userId={u.userId} role={u.role} email={u.email} /></td>
                <td>{[u.hasPassword ? "password" : null, u.oidcSubject ? "single sign-on" : null].filter(Boolean).join(", ") || "none"}</td>
                <td><PasswordForm userId={u.userId} email={u.email} /></td>
                <td>{u.disabled ? "disabled" : "active"}</td>
                <td>{time(u.createdAt)}</td>
                <td>
                  <EndSessionsForm userId={u.userId} email={u.email} />{" "}
                  {u.userId === viewer.userId ? "you" : <DisableForm userId={u.userId} disabled={u.disabled} email={u.email} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager offset={usersAt} shown={users.slice(usersAt, usersAt + ADMIN_PAGE).length} total={users.length} pageSize={ADMIN_PAGE} href={(o) => href("users", o)} noun="users" testId="users-pages" />

      <h2 id="keys">Collector API keys <span className="muted">{keys.length}</span></h2>
      <p className="sub">Collectors send <code>Authorization: Bearer ptk_…</code> to <code>POST /api/v1/events</code>. The token is shown once, when created.</p>
      <CreateKeyForm />
      {keys.length === 0 ? (
        <div className="notice empty">No keys yet. Create one per collector host, so one can be revoked without touching the others.</div>
      ) : (
        <div className="scroll">
          <table data-testid="keys">
            <thead>
              <tr><th>Key id</th><th>Name</th><th>Scopes</th><th>Created</th><th>By</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {keys.slice(keysAt, keysAt + ADMIN_PAGE).map((k) => (
                <tr key={k.keyId} data-key-id={k.keyId}>
                  <td><code>{k.keyId}</code></td>
                  <td>{k.name}</td>
                  <td>{k.scopes.join(", ")}</td>
                  <td>{time(k.createdAt)}</td>
                  <td>{k.createdBy}</td>
                  <td>{k.revokedAt ? `revoked ${time(k.revokedAt)}` : "active"}</td>
                  <td>{k.revokedAt ? null : <RevokeKeyForm keyId={k.keyId} name={k.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={keysAt} shown={keys.slice(keysAt, keysAt + ADMIN_PAGE).length} total={keys.length} pageSize={ADMIN_PAGE} href={(o) => href("keys", o)} noun="keys" testId="keys-pages" />
        </div>
      )}
      <RetentionPanel viewer={viewer} />
    </>
  );
}
