/** The strip under the page header while a connection that once worked is down. */
export function ConnectionLostBanner({ connected, everConnected }: { connected: boolean; everConnected: boolean }) {
  if (!everConnected || connected) return null;
  return (
    <div role="status" className="shrink-0 border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-xs text-amber-800">
      Connection to the server lost. Reconnecting… answers in progress will resume where they stopped.
    </div>
  );
}
