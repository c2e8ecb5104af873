'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiKeyView, CreatedApiKey } from '@mgm/protocol';
import { Button } from '@/components/ui/button.tsx';
import { formatClock, formatCount } from '@/lib/admin/admin-format.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '@/lib/admin/api-keys-http.ts';
import type { AskAction } from './admin-types.ts';

const REFRESH_MS = 5000;
const LIMITS = [
  ['requestsPerMinute', 'Requests / min'],
  ['tokensPerMinute', 'Tokens / min'],
  ['concurrentRequests', 'Concurrent'],
] as const;

function limitText(n: number): string {
  return n === 0 ? '∞' : formatCount(n);
}

function KeyRow({ apiKey, onAction, onRevoked }: { apiKey: ApiKeyView; onAction: AskAction; onRevoked: () => void }) {
  const revoked = apiKey.revokedAt !== null;
  const { usage, limits } = apiKey;
  return (
    <li className="flex flex-wrap items-center gap-x-5 gap-y-1 px-4 py-2.5 text-sm" data-testid="api-key-row" data-key-id={apiKey.id} data-revoked={revoked}>
      <div className="min-w-40 flex-1">
        <p className={`font-medium ${revoked ? 'text-slate-400 line-through' : 'text-slate-900'}`}>{apiKey.name}</p>
        <p className="font-mono text-xs text-slate-500">
          {apiKey.preview} · {apiKey.id}
        </p>
      </div>
      <p className="tabular-nums text-slate-600" data-testid="api-key-usage">
        {formatCount(usage.requests)} req · {formatCount(usage.promptTokens)} prompt · {formatCount(usage.completionTokens)} completion tokens
      </p>
      <p className="tabular-nums text-xs text-slate-500">
        limits {limitText(limits.requestsPerMinute)} req/min · {limitText(limits.tokensPerMinute)} tok/min · {limitText(limits.concurrentRequests)} at once
      </p>
      <p className="tabular-nums text-xs text-slate-500">
        {revoked ? `revoked ${formatClock(apiKey.revokedAt!)}` : apiKey.lastUsedAt === null ? 'never used' : `used ${formatClock(apiKey.lastUsedAt)}`}
      </p>
      {revoked ? null : (
        <Button
          size="sm"
          variant="ghost"
          data-testid="api-key-revoke"
          onClick={() =>
            onAction({
              title: `Revoke ${apiKey.name}`,
              description: `Requests with this key (${apiKey.preview}) will be refused with 401 from now on. This cannot be undone.`,
              confirmLabel: 'Revoke',
              danger: true,
              run: async () => {
                const result = await revokeApiKey(apiKey.id);
                onRevoked();
                return result;
              },
            })
          }
        >
          Revoke
        </Button>
      )}
    </li>
  );
}

/** API keys of the OpenAI-compatible API: create (the key is shown once), usage, revoke. */
export function ApiKeysSection({ onAction }: { onAction: AskAction }) {
  const [keys, setKeys] = useState<ApiKeyView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [name, setName] = useState('');
  const [limits, setLimits] = useState({ requestsPerMinute: '', tokensPerMinute: '', concurrentRequests: '' });
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const answer = await listApiKeys();
    if (answer.ok) {
      setKeys(answer.value);
      setError(null);
    } else setError(answer.message);
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const answer = await createApiKey({
      name,
      limits: {
        requestsPerMinute: Number(limits.requestsPerMinute || 0),
        tokensPerMinute: Number(limits.tokensPerMinute || 0),
        concurrentRequests: Number(limits.concurrentRequests || 0),
      },
    });
    setBusy(false);
    if (!answer.ok) return setError(answer.message);
    setCreated(answer.value);
    setName('');
    setLimits({ requestsPerMinute: '', tokensPerMinute: '', concurrentRequests: '' });
    await refresh();
  };

  return (
    <div className="space-y-3">
      <form onSubmit={(event) => void submit(event)} className="flex flex-wrap items-end gap-2 rounded-xl border border-slate-200 bg-white p-3 shadow-sm" data-testid="api-key-form">
        <label className="flex min-w-40 flex-1 flex-col text-xs text-slate-500">
          Name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} className="mt-1 h-9 rounded-lg border border-slate-300 px-2 text-sm text-slate-900" data-testid="api-key-name" />
        </label>
        {LIMITS.map(([field, label]) => (
          <label key={field} className="flex w-28 flex-col text-xs text-slate-500">
            {label}
            <input
              type="number"
              min={0}
              placeholder="∞"
              value={limits[field]}
              onChange={(e) => setLimits((l) => ({ ...l, [field]: e.target.value }))}
              className="mt-1 h-9 rounded-lg border border-slate-300 px-2 text-sm tabular-nums text-slate-900"
              data-testid={`api-key-${field}`}
            />
          </label>
        ))}
        <Button type="submit" variant="primary" disabled={busy || name.trim() === ''} data-testid="api-key-create">
          Create key
        </Button>
      </form>
      {created ? (
        <div role="status" className="space-y-1 rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900" data-testid="api-key-created">
          <p>
            Key <strong>{created.name}</strong> — copy it now, it is not shown again:
          </p>
          <p className="flex flex-wrap items-center gap-2">
            <code className="break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="api-key-secret">
              {created.key}
            </code>
            <Button size="sm" onClick={() => void navigator.clipboard?.writeText(created.key)}>
              Copy
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setCreated(null)} data-testid="api-key-dismiss">
              Done
            </Button>
          </p>
        </div>
      ) : null}
      {error ? (
        <p role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="api-key-error">
          {error}
        </p>
      ) : null}
      {keys === null ? null : keys.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">No API key yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="api-key-list">
          {keys.map((apiKey) => (
            <KeyRow key={apiKey.id} apiKey={apiKey} onAction={onAction} onRevoked={() => void refresh()} />
          ))}
        </ul>
      )}
    </div>
  );
}
