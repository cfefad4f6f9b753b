import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { adminListKeys, adminListUsers } from "../../lib/auth/admin";
import { ForbiddenError } from "../../lib/auth/permissions";
import { requireViewer } from "../../lib/auth/session";
import { recordAudit } from "../../lib/audit";
import { getStore } from "../../lib/store";
import { CreateKeyForm, CreateUserForm, DisableForm, EndSessionsForm, PasswordForm, RevokeKeyForm, RoleForm } from "./forms";

export const metadata: Metadata = { title: "Admin · prodtrail" };
export const dynamic = "force-dynamic";

const time = (iso: string) => iso.slice(0, 16).replace("T", " ");

export default async function AdminPage() {
  const viewer = await requireViewer();
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

      <h2>Users</h2>
      <CreateUserForm />
      <div className="scroll">
        <table data-testid="users">
          <thead>
            <tr><th>Email</th><th>Name</th><th>Role</th><th>Sign-in</th><th>Password</th><th>Status</th><th>Created</th><th /></tr>
          </thead>
          <tbody>
            {users.map((u) => (
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

      <h2>Collector API keys</h2>
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
              {keys.map((k) => (
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
        </div>
      )}
    </>
  );
}
