"use client";

/** Anything the page did not handle itself: say so, and offer a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="notice error" role="alert">
      <strong>The dashboard could not render this page.</strong> {error.message}
      {error.digest ? <> (reference {error.digest} in the server log)</> : null}{" "}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
