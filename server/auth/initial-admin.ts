import type { Store } from "../../store/open";
import { generatePassword, passwordProblem } from "./password";
import { countUsers, createUser, emailSchema } from "./users";

/**
 * The first admin of a fresh store, so the dashboard can be signed into at
 * all. Created only when the users table is empty; after that, people are
 * managed on /admin and this does nothing.
 *
 * Email: PRODTRAIL_ADMIN_EMAIL or admin@localhost. Password:
 * PRODTRAIL_ADMIN_PASSWORD, or 144 random bits that the caller prints once —
 * the store keeps only the scrypt hash, so there is no second chance to read it.
 */
export type InitialAdmin =
  | { created: false }
  | { created: true; email: string; password: string; passwordGenerated: boolean };

export class InitialAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InitialAdminError";
  }
}

export async function ensureInitialAdmin(store: Store, env: Readonly<Record<string, string | undefined>> = process.env): Promise<InitialAdmin> {
  if ((await countUsers(store)) > 0) return { created: false };
  const rawEmail = env.PRODTRAIL_ADMIN_EMAIL || "admin@localhost";
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) throw new InitialAdminError(`PRODTRAIL_ADMIN_EMAIL ${JSON.stringify(rawEmail)}: ${email.error.issues[0]?.message ?? "invalid"}`);
  const fromEnv = env.PRODTRAIL_ADMIN_PASSWORD;
  if (fromEnv) {
    const problem = passwordProblem(fromEnv, [email.data]);
    if (problem) throw new InitialAdminError(`PRODTRAIL_ADMIN_PASSWORD: ${problem}`);
  }
  const password = fromEnv || generatePassword();
  await createUser(store, { email: email.data, name: "Administrator", role: "admin", password, createdBy: "prodtrail serve (initial admin)" });
  return { created: true, email: email.data, password, passwordGenerated: !fromEnv };
}

/** The one-time console notice. Never logged through pino: log files outlive terminals. */
export function initialAdminNotice(admin: Extract<InitialAdmin, { created: true }>): string {
  const rule = "=".repeat(72);
  return [
    rule,
    "prodtrail: created the initial dashboard admin",
    `  email     ${admin.email}`,
    admin.passwordGenerated
      ? `  password  ${admin.password}\n  This password is shown ONCE and not stored anywhere readable. Sign in,\n  then create named users on /admin.`
      : "  password  (from PRODTRAIL_ADMIN_PASSWORD)",
    rule,
  ].join("\n");
}
