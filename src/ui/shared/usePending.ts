/**
 * A control's value while the engine has not confirmed it yet: a command runs as the next
 * clock event and its effect reaches the snapshot a frame later, so a controlled checkbox
 * would snap back in between. Shows the value sent until the engine's value matches it, or
 * the command failed.
 */
import { useEffect, useState } from 'react';

export function usePending<T>(actual: T): [T, (value: T, sent: Promise<boolean>) => void] {
  const [pending, setPending] = useState<{ value: T } | null>(null);
  useEffect(() => {
    if (pending && Object.is(pending.value, actual)) setPending(null);
  }, [pending, actual]);
  const send = (value: T, sent: Promise<boolean>) => {
    setPending({ value });
    void sent.then((ok) => {
      if (!ok) setPending(null);
    });
  };
  return [pending ? pending.value : actual, send];
}
