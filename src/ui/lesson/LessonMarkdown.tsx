/**
 * A lesson's narration as a safe subset of Markdown (react-markdown, without rehype-raw):
 * emphasis, code, lists, quotes, links and small headings. HTML written in a lesson stays
 * text (react-markdown escapes it), anything outside the subset (images, tables, big
 * headings) keeps only its text, and links with a scheme other than http(s) or mailto
 * lose their address, so a lesson file cannot run script or pull content into the page.
 */
import Markdown, { defaultUrlTransform } from 'react-markdown';

const ALLOWED = [
  'p',
  'strong',
  'em',
  'code',
  'pre',
  'ul',
  'ol',
  'li',
  'a',
  'blockquote',
  'h3',
  'h4',
  'br',
  'hr',
  'del',
];

/** Only web and mail links survive; a relative link (a hash to another step) too. */
function safeUrl(url: string): string {
  const kept = defaultUrlTransform(url);
  return /^(https?:|mailto:|#|\/(?!\/))/i.test(kept) ? kept : '';
}

export function LessonMarkdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className}>
      <Markdown
        allowedElements={ALLOWED}
        unwrapDisallowed
        urlTransform={safeUrl}
        components={{
          // A link leaves the lesson: a new tab, with no access back to this page.
          a: ({ href, children }) =>
            href?.startsWith('#') ? (
              <a href={href}>{children}</a>
            ) : (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {children}
              </a>
            ),
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}
