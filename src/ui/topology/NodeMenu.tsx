/**
 * A node's fault buttons on the diagram: an invisible button over each node box (its
 * accessible name "<node> actions") opens a menu to kill or restart it, partition or heal
 * it, disconnect or reconnect its link and make it slow or fast again. Sends commands.
 */
import { useEffect, useRef } from 'react';
import { defaultReplicaSettings, type NodeSnapshot, type ReplicationStatus } from '../../engine/index.ts';
import { SLOW_APPLY_RATE_PER_SEC, sendCommand } from '../../page/commands.ts';
import type { Box, TopologyLayout } from './topologyLayout.ts';

/** Faster than the engine default is never needed: "fast again" restores the default. */
const NORMAL_APPLY_RATE_PER_SEC = defaultReplicaSettings(0).applyRatePerSec;

/** Places an HTML element over a layout point, in percentages so it follows the SVG's scaling. */
function percent(layout: TopologyLayout, x: number, y: number) {
  return { left: `${(x / layout.width) * 100}%`, top: `${(y / layout.height) * 100}%` };
}

export function NodeTrigger({
  box,
  layout,
  open,
  onToggle,
}: {
  box: Box;
  layout: TopologyLayout;
  open: boolean;
  onToggle: () => void;
}) {
  return (
    <button
      type="button"
      className="topo-hit"
      data-node={box.name}
      aria-expanded={open}
      aria-controls={open ? `topology-menu-${box.name}` : undefined}
      style={{
        ...percent(layout, box.x, box.y),
        width: `${(box.w / layout.width) * 100}%`,
        height: `${(box.h / layout.height) * 100}%`,
      }}
      onClick={onToggle}
    >
      <span className="visually-hidden">{box.name} actions</span>
    </button>
  );
}

interface NodeMenuProps {
  box: Box;
  layout: TopologyLayout;
  node: NodeSnapshot | undefined;
  row: ReplicationStatus | undefined;
  partitioned: boolean;
  onClose: () => void;
}

/** The fault buttons of one node; Escape or a click elsewhere closes it, focus goes back to the node. */
export function NodeMenu({ box, layout, node, row, partitioned, onClose }: NodeMenuProps) {
  const ref = useRef<HTMLFieldSetElement>(null);
  const name = box.name;
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const trigger = () =>
      ref.current?.parentElement?.querySelector<HTMLButtonElement>(`.topo-hit[data-node="${name}"]`);
    const onPointer = (e: PointerEvent) => {
      const target = e.target as Node;
      if (!ref.current?.contains(target) && !trigger()?.contains(target)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      trigger()?.focus();
      onClose();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [name, onClose]);
  const act = (command: () => Promise<unknown>) => () => {
    onClose();
    void command();
  };
  const atRight = box.x + box.w / 2 > layout.width / 2;
  const anchor = percent(layout, atRight ? box.x + box.w : box.x, box.y + box.h);
  const style = atRight
    ? { top: anchor.top, right: `${100 - ((box.x + box.w) / layout.width) * 100}%` }
    : { top: anchor.top, left: anchor.left };
  const slow = row !== undefined && row.applyRatePerSec <= SLOW_APPLY_RATE_PER_SEC;
  return (
    <fieldset ref={ref} id={`topology-menu-${name}`} className="topo-menu" aria-label={`${name} actions`} style={style}>
      <legend className="topo-menu-title">{name}</legend>
      {node?.status === 'recovering' ? (
        <button type="button" disabled>
          Recovering…<span className="visually-hidden"> {name}</span>
        </button>
      ) : node?.status === 'up' ? (
        <button
          type="button"
          className="danger-button"
          onClick={act(() => sendCommand({ do: 'killNode', node: name }))}
        >
          Kill {name}
        </button>
      ) : (
        <button type="button" onClick={act(() => sendCommand({ do: 'restartNode', node: name }))}>
          Restart {name}
        </button>
      )}
      {partitioned ? (
        <button type="button" onClick={act(() => sendCommand({ do: 'heal', node: name }))}>
          Heal {name}
        </button>
      ) : (
        <button
          type="button"
          className="danger-button"
          onClick={act(() => sendCommand({ do: 'partition', node: name }))}
        >
          Partition {name}
        </button>
      )}
      {row && (
        <button
          type="button"
          onClick={act(() => sendCommand({ do: row.connected ? 'disconnect' : 'reconnect', node: name }))}
        >
          {row.connected ? 'Disconnect' : 'Reconnect'} {name}
        </button>
      )}
      {row && (
        <button
          type="button"
          onClick={act(() =>
            sendCommand({
              do: 'setApplyRate',
              node: name,
              perSec: slow ? NORMAL_APPLY_RATE_PER_SEC : SLOW_APPLY_RATE_PER_SEC,
            }),
          )}
        >
          {slow ? `Make ${name} fast again` : `Make ${name} slow`}
        </button>
      )}
    </fieldset>
  );
}
