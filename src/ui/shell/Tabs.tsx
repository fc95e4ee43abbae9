/**
 * Accessible tabs (the WAI-ARIA tabs pattern): a tablist of buttons, one tabpanel each.
 * Arrow keys move between tabs (Left/Right, Up/Down when vertical), Home and End go to the
 * ends, and the focused tab opens at once (automatic activation); only the open tab is in
 * the Tab order. A panel is drawn the first time it opens (drawing all thirteen hidden ones
 * up front cost the page's main thread most of a second just after the lab booted, issue
 * 15) and stays mounted from then on, hidden when closed, so what it holds (typed SQL, a
 * chosen option) survives switching; a closed panel is a hidden React Activity, so it
 * does not re-render with every engine frame (its effects, such as a timeline mark's
 * highlight on the topology, pause until it shows again). The open tab lives in a store (useShell) so a lesson
 * step can show the panel it talks about.
 */
import { Activity, type KeyboardEvent, type ReactNode, useId, useRef } from 'react';
import { create } from 'zustand';

export interface TabSpec {
  id: string;
  label: string;
  content: ReactNode;
}

interface ShellState {
  /** The open tab of each tab set, by the set's name. */
  open: Record<string, string>;
}

export const useShell = create<ShellState>()(() => ({ open: {} }));

/** The lab's tab set (LabScreen.tsx), for openTab. */
export const LAB_TABS = 'lab';

/** Resolves once the page has drawn what was just set (two animation frames). */
export function nextPaint(): Promise<void> {
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
}

/** Opens tab `tab` of the tab set `set` (for example a lesson step showing the timeline). */
export function openTab(set: string, tab: string): void {
  useShell.setState((s) => ({ open: { ...s.open, [set]: tab } }));
}

export function Tabs({ name, label, tabs }: { name: string; label: string; tabs: readonly TabSpec[] }) {
  const base = useId();
  const stored = useShell((s) => s.open[name]);
  const current = tabs.some((t) => t.id === stored) ? stored : tabs[0]?.id;
  const buttons = useRef<Map<string, HTMLButtonElement>>(new Map());
  // The tabs opened so far (adding the open one again changes nothing, so a repeated render is harmless).
  const opened = useRef<Set<string>>(new Set());
  if (current !== undefined) opened.current.add(current);

  const select = (id: string, focus: boolean) => {
    openTab(name, id);
    if (focus) buttons.current.get(id)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === current);
    const moves: Record<string, number> = {
      ArrowRight: at + 1,
      ArrowDown: at + 1,
      ArrowLeft: at - 1,
      ArrowUp: at - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    select(tabs[(to + tabs.length) % tabs.length].id, true);
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label={label} className="tabs-list" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) buttons.current.set(t.id, el);
              else buttons.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={t.id === current}
            aria-controls={`${base}-panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            className="tabs-tab"
            onClick={() => select(t.id, false)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`${base}-panel-${t.id}`}
          aria-labelledby={`${base}-tab-${t.id}`}
          hidden={t.id !== current}
          className="tabs-panel"
        >
          <Activity mode={t.id === current ? 'visible' : 'hidden'}>{opened.current.has(t.id) && t.content}</Activity>
        </div>
      ))}
    </div>
  );
}
