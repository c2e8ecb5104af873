'use client';

import { type UIEvent, useCallback, useEffect, useRef } from 'react';

/** How close to the bottom (px) still counts as reading the newest content. */
const NEAR_BOTTOM_PX = 80;

/**
 * A transcript that follows its newest content while the reader is at (or near) its bottom, and
 * stays put once they scroll up to read. `changeKey` changes whenever new content may have come
 * (a turn, a token, a status); `hasContent` is false while there is nothing to follow.
 */
export function useFollowBottom(changeKey: string, hasContent: boolean) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const follow = useCallback(() => {
    const element = scroller.current;
    if (element && stick.current) element.scrollTop = element.scrollHeight;
  }, []);

  useEffect(() => {
    if (hasContent) follow();
  }, [changeKey, hasContent, follow]);

  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    stick.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
  }, []);

  /** Follow again (the reader sent a question or opened a conversation). */
  const resume = useCallback(() => {
    stick.current = true;
  }, []);

  return { scroller, onScroll, follow, resume };
}
