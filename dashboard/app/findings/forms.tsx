"use client";

import { useActionState } from "react";
import { revokeSuppressionAction, suppressAction, triageAction, type ActionState } from "./actions";

function Result({ state, id }: { state: ActionState; id: string }) {
  if (state.error) return <div className="notice error" role="alert" data-testid={`${id}-error`}>{state.error}</div>;
  if (state.message) return <div className="notice empty" role="status" data-testid={`${id}-message`}>{state.message}</div>;
  return null;
}

/** Shown only to those who may triage (findings:triage); the server action checks again. */
export function TriageForm({ findingId, status }: { findingId: string; status: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(triageAction, {});
  const open = status === "open" || status === "acknowledged";
  return (
    <form action={action} aria-label="triage this finding" className="filterbar" data-testid="triage-form">
      <input type="hidden" name="finding_id" value={findingId} />
      <label>Note <textarea name="note" maxLength={4000} placeholder="What you found (needed to resolve or mark false positive)" /></label>
      <label>Assignee <input name="assignee" maxLength={256} placeholder="sec@example.com" /></label>
      {status === "open" ? <button type="submit" name="action" value="acknowledge" disabled={pending}>Acknowledge</button> : null}
      {open ? <button type="submit" name="action" value="resolve" disabled={pending}>Resolve</button> : null}
      {open || status === "suppressed" ? <button type="submit" name="action" value="false_positive" disabled={pending}>False positive</button> : null}
      {!open ? <button type="submit" name="action" value="reopen" disabled={pending}>Reopen</button> : null}
      <button type="submit" name="action" value="assign" disabled={pending}>Assign</button>
      <Result state={state} id="triage" />
    </form>
  );
}

export function SuppressForm({ ruleId, actorId, host, sourceIp }: { ruleId: string; actorId: string; host: string; sourceIp: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(suppressAction, {});
  return (
    <form action={action} aria-label="suppress findings like this one" className="filterbar" data-testid="suppress-form">
      <input type="hidden" name="rule_id" value={ruleId} />
      <label>Actor <input name="actor_id" defaultValue={actorId} maxLength={256} /></label>
      <label>Host <input name="host" defaultValue={host} maxLength={256} /></label>
      <label>Source <input name="source_ip" defaultValue={sourceIp} maxLength={64} /></label>
      <label>Days <input name="days" type="number" min={1} max={365} defaultValue={7} /></label>
      <label>Reason <input name="reason" required minLength={3} maxLength={2000} placeholder="Why these are expected" /></label>
      <button type="submit" disabled={pending}>Suppress</button>
      <Result state={state} id="suppress" />
    </form>
  );
}

export function RevokeForm({ suppressionId }: { suppressionId: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(revokeSuppressionAction, {});
  return (
    <form action={action} aria-label="revoke this suppression" data-testid="revoke-form">
      <input type="hidden" name="suppression_id" value={suppressionId} />
      <button type="submit" disabled={pending}>Revoke</button>
      <Result state={state} id="revoke" />
    </form>
  );
}
