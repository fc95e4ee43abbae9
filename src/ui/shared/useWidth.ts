/** An element's width in CSS pixels, followed as the window resizes (for SVG layouts). */
import { type RefObject, useLayoutEffect, useRef, useState } from 'react';

export function useWidth(mounted: boolean, initial: number): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!mounted || !el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => setWidth(Math.round(entries[0].contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [mounted]);
  return [ref, width];
}
