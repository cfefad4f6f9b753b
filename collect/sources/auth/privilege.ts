import { boundCommand, redact } from "../../redact";
import type { EventBody } from "../types";
import type { SudoMessage, SuMessage } from "./sudo-su-messages";

export interface Who {
  actor_id: string;
  actor_kind: "human" | "service" | "unknown";
  attribution_method: "auth-log";
  attribution_confidence: number;
}

/** The auth log names the user; an empty name (sshd logs `invalid user  from`) is nobody, with zero confidence. */
export function who(user: string, confidence: number, serviceAccounts: ReadonlySet<string>): Who {
  if (user === "") return { actor_id: "unknown", actor_kind: "unknown", attribution_method: "auth-log", attribution_confidence: 0 };
  return { actor_id: user, actor_kind: serviceAccounts.has(user) ? "service" : "human", attribution_method: "auth-log", attribution_confidence: confidence };
}

/** sudo: the invoking user is the actor, the target (USER=) the effective user; never the other way round. */
export function sudoBody(m: SudoMessage, actor: Who): EventBody {
  return {
    type: "access.privilege",
    ...actor,
    effective_user: m.runAs,
    channel: "sudo",
    outcome: m.failure === undefined ? "success" : "failure",
    reason: m.failure,
    command: m.command === undefined ? undefined : boundCommand(redact(m.command)),
    labels: { ...(m.tty ? { tty: m.tty } : {}), ...(m.pwd ? { cwd: m.pwd } : {}) },
  };
}

/** su: the user who ran su is the actor, the account switched to the effective user. */
export function suBody(m: SuMessage, actor: Who): EventBody {
  return {
    type: "access.privilege",
    ...actor,
    effective_user: m.target,
    channel: "su",
    outcome: m.ok ? "success" : "failure",
    labels: m.tty ? { tty: m.tty } : {},
  };
}
