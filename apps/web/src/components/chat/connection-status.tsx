export function ConnectionStatus({ connected, everConnected }: { connected: boolean; everConnected: boolean }) {
  const [dot, label] = connected
    ? ['bg-emerald-500', 'Connected']
    : everConnected
      ? ['bg-amber-500 animate-pulse', 'Reconnecting…']
      : ['bg-slate-300 animate-pulse', 'Connecting…'];
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500" data-testid="connection-status" data-connected={connected}>
      <span className={`size-2 rounded-full ${dot}`} aria-hidden="true" />
      <span className="hidden sm:inline">{label}</span>
    </span>
  );
}
