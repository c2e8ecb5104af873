'use client';

import { useEffect, useState } from 'react';
import { supervisedSlotsResponseSchema, type SupervisedSlot } from '@mgm/protocol';

/** How often the slots are read again (they change when a worker stops or is restarted). */
const POLL_MS = 2000;

/**
 * The worker slots a supervisor (npm run demo) can restart, read from `GET /api/admin/slots`
 * every two seconds; null until the first answer (and while the controller cannot be asked).
 */
export function useSupervisedSlots(enabled: boolean): SupervisedSlot[] | null {
  const [slots, setSlots] = useState<SupervisedSlot[] | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const response = await fetch('/api/admin/slots', { credentials: 'same-origin', cache: 'no-store' });
        const parsed = supervisedSlotsResponseSchema.safeParse(await response.json());
        if (!stopped && response.ok && parsed.success) setSlots(parsed.data.slots);
      } catch {
        // The feed shows connection problems; the slots keep their last answer.
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [enabled]);
  return slots;
}
