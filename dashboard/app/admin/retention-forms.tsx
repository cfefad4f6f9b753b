"use client";

import { useActionState } from "react";
import styles from "../signin/auth.module.css";
import { addHoldAction, releaseHoldAction, type HoldActionState } from "./retention-actions";

function Outcome({ state }: { state: HoldActionState }) {
  if (state.error) return <div className="notice error" role="alert" data-testid="hold-error">{state.error}</div>;
  return state.message ? <div className="notice empty" role="status" data-testid="hold-message">{state.message}</div> : null;
}

export function AddHoldForm() {
  const [state, action, pending] = useActionState<HoldActionState, FormData>(addHoldAction, {});
  return (
    <>
      <Outcome state={state} />
      <form action={action} className={styles.inline} aria-label="set a legal hold">
        <label>
          Hold
          <select name="scope" defaultValue="actor">
            <option value="actor">an actor</option>
            <option value="host">a host</option>
            <option value="env">an env</option>
            <option value="range">every event of the days</option>
          </select>
        </label>
        <label>Actor, host or env<input name="value" maxLength={512} /></label>
        <label>From (UTC day, optional)<input name="from" type="date" /></label>
        <label>To<input name="to" type="date" /></label>
        <label>Reason (matter, ticket)<input name="reason" required minLength={3} maxLength={2000} /></label>
        <button type="submit" disabled={pending}>Set hold</button>
      </form>
    </>
  );
}

export function ReleaseHoldForm({ holdId }: { holdId: string }) {
  const [state, action, pending] = useActionState<HoldActionState, FormData>(releaseHoldAction, {});
  return (
    <>
      <Outcome state={state} />
      <form action={action} className={styles.inline} aria-label={`release hold ${holdId}`}>
        <input type="hidden" name="hold_id" value={holdId} />
        <input name="reason" placeholder="why it ends" aria-label={`reason to release ${holdId}`} required minLength={3} className={styles.narrow} />
        <button type="submit" disabled={pending} className={styles.quiet}>Release</button>
      </form>
    </>
  );
}
