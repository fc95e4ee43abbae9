/**
 * The run's controls that are not the clock (seed, reset, step back: RunControls) and its
 * exports: the history as JSON (the events the engine recorded, with the seed and settings
 * to reproduce them), and the topology and the timeline as SVG or PNG files. A status line
 * says what was saved, or why not.
 */
import { useState } from 'react';
import { describeError, formatCount, formatEngineTime } from '../../page/format.ts';
import { currentLab, useLab } from '../../page/store.ts';
import { RunControls } from '../clock/RunControls.tsx';
import { download, serializeSvg, svgSize, svgToPng } from './exportFiles.ts';
import { LAB_TABS, nextPaint, openTab } from './Tabs.tsx';

type Diagram = 'topology' | 'timeline';

function diagramSvg(which: Diagram): SVGSVGElement {
  const svg = document.querySelector<SVGSVGElement>(`svg.${which}-svg`);
  if (!svg) throw new Error(`the ${which} is not drawn yet`);
  return svg;
}

/** The history as a JSON file: what ran, with what reproduces it. */
function historyFile(): { blob: Blob; name: string; count: number; firstSeq: number } {
  const lab = currentLab();
  if (!lab) throw new Error('the cluster is not running');
  const events = lab.cluster.history.all();
  const file = {
    kind: 'replica-lab-history',
    seed: lab.cluster.settings.seed,
    settings: lab.cluster.bootSettings(),
    engineTimeMs: lab.cluster.clock.now(),
    // A long free play keeps only its newest events: these say what was left out.
    firstSeq: lab.cluster.history.firstSeq,
    droppedByType: lab.cluster.history.dropped(),
    events,
  };
  const blob = new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' });
  return { blob, name: `replica-lab-history-seed-${file.seed}.json`, count: events.length, firstSeq: file.firstSeq };
}

export function ExportPanel() {
  const running = useLab((s) => s.phase === 'running');
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();

  const run = async (what: string, work: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await work() });
    } catch (err) {
      setMessage({ ok: false, text: `Could not save ${what}: ${describeError(err)}` });
    }
  };
  const saveHistory = () =>
    run('the history', async () => {
      const { blob, name, count, firstSeq } = historyFile();
      download(blob, name);
      const at = formatEngineTime(currentLab()?.cluster.clock.now() ?? 0);
      const dropped =
        firstSeq > 0 ? ` (the newest; the first ${formatCount(firstSeq)} were dropped to keep memory flat)` : '';
      return `Saved ${name}: ${count} events${dropped} up to ${at}.`;
    });
  const saveDiagram = (which: Diagram, format: 'svg' | 'png') =>
    run(`the ${which}`, async () => {
      // A closed tab does not redraw (Tabs.tsx): show the timeline for a moment so the file is of now.
      if (which === 'timeline') {
        openTab(LAB_TABS, 'timeline');
        await nextPaint();
      }
      const svg = diagramSvg(which);
      const text = serializeSvg(svg);
      if (which === 'timeline') openTab(LAB_TABS, 'export');
      const name = `replica-lab-${which}.${format}`;
      const { width, height } = svgSize(svg);
      const blob = format === 'svg' ? new Blob([text], { type: 'image/svg+xml' }) : await svgToPng(text, width, height);
      download(blob, name);
      return `Saved ${name} (${Math.round(width)}x${Math.round(height)}${format === 'png' ? ' at 2x' : ''}).`;
    });

  return (
    <section className="panel export" aria-labelledby="export-heading">
      <h2 id="export-heading">Run &amp; export</h2>
      <RunControls />
      <div className="export-buttons">
        <button type="button" onClick={saveHistory} disabled={!running}>
          History as JSON
        </button>
        {(['topology', 'timeline'] as const).map((which) =>
          (['svg', 'png'] as const).map((format) => (
            <button key={`${which}-${format}`} type="button" onClick={() => saveDiagram(which, format)}>
              {which === 'topology' ? 'Topology' : 'Timeline'} as {format.toUpperCase()}
            </button>
          )),
        )}
      </div>
      <p role="status" aria-label="Export" className={message && !message.ok ? 'error-text' : 'muted'}>
        {message?.text ?? 'Files for your notes: the events the engine recorded, and the diagrams as they are now.'}
      </p>
    </section>
  );
}
