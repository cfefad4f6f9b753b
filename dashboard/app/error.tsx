"use client";

/**
 * Anything the page did not handle itself: say so, and offer a retry. The
 * error's message is not shown: it can carry a store error's SQL (issue #9),
 * and in production Next replaces server messages anyway; the digest finds
 * the full error in the server log.
 */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="notice error" role="alert" data-testid="page-error">
      <strong>The dashboard could not render this page.</strong> The server log has the details
      {error.digest ? <> under reference <code>{error.digest}</code></> : null}.{" "}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
