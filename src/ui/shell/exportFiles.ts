/**
 * Files a teacher takes away from a run: the history as JSON (every event the engine
 * recorded, with the seed and settings that reproduce it), and the topology or the
 * timeline as SVG or PNG. A diagram on the page is styled by the page's CSS (theme
 * variables, classes), which a file does not carry, so the copy gets each element's
 * computed presentation inlined. The PNG is that SVG drawn on a canvas from a data: URL:
 * the page's Content-Security-Policy allows images only from itself and data: URLs (no
 * blob: images, no inline script), and an SVG without foreignObject leaves the canvas
 * readable.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The presentation properties the diagrams' CSS sets, copied onto each element of the file. */
const PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
  'visibility',
  'display',
] as const;

/** The diagram `svg` as a standalone SVG file (text), on the page's background colour. */
export function serializeSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((source, i) => {
    const target = to[i] as SVGElement | HTMLElement;
    const style = getComputedStyle(source);
    const inline = PROPERTIES.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';');
    target.setAttribute('style', inline);
    target.removeAttribute('class');
  });
  const box = svg.viewBox.baseVal;
  const width = box && box.width > 0 ? box.width : svg.clientWidth;
  const height = box && box.height > 0 ? box.height : svg.clientHeight;
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  // A file opened elsewhere has no page behind it: paint the page's background under the drawing.
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('x', String(box?.x ?? 0));
  background.setAttribute('y', String(box?.y ?? 0));
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', pageBackground(svg));
  copy.insertBefore(background, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The first opaque background colour behind `el` (the panel's surface). */
function pageBackground(el: Element): string {
  for (let at: Element | null = el; at; at = at.parentElement) {
    const colour = getComputedStyle(at).backgroundColor;
    if (colour && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return '#ffffff';
}

/** Draws the SVG text on a canvas (`scale` times its size) and returns it as a PNG. */
export async function svgToPng(svgText: string, width: number, height: number, scale = 2): Promise<Blob> {
  const image = new Image();
  image.decoding = 'async';
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw on a canvas');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas gave no PNG'))), 'image/png'),
  );
}

/** The size an exported SVG file has (its viewBox, else its box on the page). */
export function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox.baseVal;
  return box && box.width > 0
    ? { width: box.width, height: box.height }
    : { width: svg.clientWidth, height: svg.clientHeight };
}

/** Offers `blob` as a download named `fileName`. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // The click has started the download; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
