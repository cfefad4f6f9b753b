import { z } from "zod";
import { LIMITS } from "./limits";
import { commitSchema, digestSchema, fileEntrySchema, nonEmpty, str } from "./fields";
import { envelopeSchema } from "./envelope";
import { FILE_OPS, PACKAGE_OPS, type Category, type EventType } from "./vocab";

/** One member of the union: the envelope, its type and category, and its own fields. */
function member<T extends EventType, C extends Category, S extends z.ZodRawShape>(type: T, category: C, shape: S) {
  // extend() (not an object spread) so a type's own field replaces the
  // envelope's optional one in the inferred types too, e.g. a required `resource`.
  return envelopeSchema.extend({ type: z.literal(type), category: z.literal(category).default(category) }).extend(shape);
}

const changeFileShape = {
  path: nonEmpty(LIMITS.path),
  op: z.enum(FILE_OPS),
  /** Path before a rename. */
  old_path: str(LIMITS.path).optional(),
  /** git blob SHA-1 of the content before and after: compares with repositories directly. */
  before_hash: digestSchema.optional(),
  after_hash: digestSchema.optional(),
  size: z.number().int().min(0).optional(),
  /** Octal permission bits as text, e.g. "0644". */
  mode: z.string().regex(/^[0-7]{3,6}$/, { message: "must be octal permission bits such as 0644" }).optional(),
  owner: str(LIMITS.name).optional(),
  diff_added: z.number().int().min(0).optional(),
  diff_removed: z.number().int().min(0).optional(),
};

export const accessLoginSchema = member("access.login", "access", {});
export const accessLoginFailedSchema = member("access.login_failed", "access", {});
export const accessLogoutSchema = member("access.logout", "access", {
  duration_s: z.number().min(0).optional(),
});
export const accessPrivilegeSchema = member("access.privilege", "access", {});
export const accessExecSchema = member("access.exec", "access", {});
export const accessGrantSchema = member("access.grant", "access", {
  grant_id: nonEmpty(LIMITS.id),
  /** The lease or checkout duration granted. */
  duration_s: z.number().min(0).optional(),
});
export const changeFileSchema = member("change.file", "change", changeFileShape);
export const changePackageSchema = member("change.package", "change", {
  package: nonEmpty(LIMITS.name),
  op: z.enum(PACKAGE_OPS),
  version_before: str(LIMITS.short).optional(),
  version_after: str(LIMITS.short).optional(),
});
export const changeK8sSchema = member("change.k8s", "change", {
  resource: nonEmpty(LIMITS.path),
  op: nonEmpty(LIMITS.short),
});
export const changeDbSchema = member("change.db", "change", {
  op: str(LIMITS.short).optional(),
});
export const codebaseCommitSchema = member("codebase.commit", "codebase", {
  repo: nonEmpty(LIMITS.name),
  commit: commitSchema,
  branch: str(LIMITS.name).optional(),
  parents: z.array(commitSchema).max(LIMITS.parents).default([]),
  files: z.array(fileEntrySchema).max(LIMITS.files, { message: `at most ${LIMITS.files} files per event` }),
  /** True for the indexer's initial whole-tree snapshot rather than a commit's diff. */
  snapshot: z.boolean().default(false),
});
export const deployReleaseSchema = member("deploy.release", "deploy", {
  repo: nonEmpty(LIMITS.name),
  commit: commitSchema,
  branch: str(LIMITS.name).optional(),
  pipeline: str(LIMITS.name).optional(),
  artifact: str(LIMITS.path).optional(),
  deploy_id: str(LIMITS.id).optional(),
});
export const auditViewSchema = member("audit.view", "audit", {
  resource: nonEmpty(LIMITS.path),
});

/** The v1 event: a discriminated union over `type`. */
export const eventSchema = z.discriminatedUnion("type", [
  accessLoginSchema,
  accessLoginFailedSchema,
  accessLogoutSchema,
  accessPrivilegeSchema,
  accessExecSchema,
  accessGrantSchema,
  changeFileSchema,
  changePackageSchema,
  changeK8sSchema,
  changeDbSchema,
  codebaseCommitSchema,
  deployReleaseSchema,
  auditViewSchema,
]);

/** A validated, normalised event (what the store and every reader hold). */
export type AuditEvent = z.output<typeof eventSchema>;
/** What a producer may send (defaults not yet applied). */
export type AuditEventInput = z.input<typeof eventSchema>;
export type EventOf<T extends EventType> = Extract<AuditEvent, { type: T }>;
