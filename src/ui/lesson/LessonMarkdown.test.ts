/**
 * A lesson's narration is data: its Markdown subset renders, HTML written in it shows as
 * text (no element, no handler), and a link can only go to the web, mail or another step.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LessonMarkdown } from './LessonMarkdown.tsx';

const render = (text: string) => renderToStaticMarkup(createElement(LessonMarkdown, { text }));

describe('LessonMarkdown', () => {
  it('renders the subset: emphasis, code, lists, links', () => {
    const html = render(
      'The primary **acknowledges** at *once*: `synchronous_commit`\n\n- one\n- two\n\n[docs](https://www.postgresql.org/docs/)',
    );
    expect(html).toContain('<strong>acknowledges</strong>');
    expect(html).toContain('<em>once</em>');
    expect(html).toContain('<code>synchronous_commit</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('href="https://www.postgresql.org/docs/" target="_blank" rel="noopener noreferrer"');
  });

  it('shows HTML as text and keeps no script, image or handler', () => {
    const html = render(
      'Look <img src=x onerror="alert(1)"> and <b>bold</b>\n\n<script>alert(2)</script>\n\n![pic](https://example.com/x.png)',
    );
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<(img|script|b)[\s>]/);
  });

  it('drops the address of a link with another scheme, keeps a link to a step', () => {
    const html = render('[bad](javascript:alert(1)) [data](data:text/html,x) [step](#lesson/stale-read/place)');
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('data:');
    expect(html).toContain('href="#lesson/stale-read/place"');
  });
});
