"use client";

import { useActionState } from "react";
import { acceptEditAction, type AcceptState } from "./actions";

/** Shown only to those who may accept (drift:accept); the server action checks again. */
export function AcceptForm({ changeEventId }: { changeEventId: string }) {
  const [state, action, pending] = useActionState<AcceptState, FormData>(acceptEditAction, {});
  return (
    <form action={action} aria-label="accept this direct edit" className="filterbar" data-testid="drift-accept-form">
      <input type="hidden" name="change_event_id" value={changeEventId} />
      <label>Ticket <input name="ticket" required maxLength={64} placeholder="OPS-123" /></label>
      <label>Note <textarea name="note" required minLength={3} maxLength={2048} placeholder="Why this edit stays" /></label>
      <button type="submit" disabled={pending}>Accept edit</button>
      {state.error ? <div className="notice error" role="alert" data-testid="drift-accept-error">{state.error}</div> : null}
      {state.message ? <div className="notice empty" role="status" data-testid="drift-accept-message">{state.message}</div> : null}
    </form>
  );
}
