export { AuditdParser } from "./parser";
export type { AuditdOptions } from "./events";
export type { UidResolver } from "./identity";
