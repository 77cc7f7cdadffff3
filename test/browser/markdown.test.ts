import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { MarkdownStream } from '../../src/components/markdown/markdown-stream.js';
import { safeLinkUrl } from '../../src/components/markdown/safe-url.js';
import { defaultStrings } from '../../src/i18n/strings.js';
import { HOSTILE_CORPUS } from './support/hostile-corpus.js';
import { cutRanges } from './support/split.js';

declare global {
  interface Window {
    __pwned?: number;
  }
}

function render(text: string): HTMLElement {
  return MarkdownStream.fromText(text, defaultStrings).root;
}

/** Renders `text` fed in the given pieces, as a stream of deltas would arrive. */
function renderInPieces(pieces: readonly string[]): HTMLElement {
  const stream = new MarkdownStream(defaultStrings);
  for (const piece of pieces) stream.write(piece);
  stream.end();
  return stream.root;
}

/** Cuts `text` at the given offsets. */
function cut(text: string, offsets: readonly number[]): string[] {
  return cutRanges(text.length, offsets).map(([start, end]) => text.slice(start, end));
}

const SAMPLE = [
  '# Orders app',
  '',
  'Here is the **query** with _filters_ and `inline code`, see [docs](https://example.com/docs?a=1&b=2).',
  '',
  '1. First step',
  '2. Second step',
  '',
  '- [x] done task',
  '- [ ] open task',
  '',
  '```sql',
  'SELECT id, total FROM orders WHERE status = \'open\' AND total > 10;',
  '```',
  '',
  '> A quote with a https://example.org link',
  '',
  '| name | total |',
  '|------|-------|',
  '| Ada  | 10    |',
  '',
  '---',
  'The end ~~not~~.',
].join('\n');

describe('MarkdownStream: markdown from parser tokens', () => {
  afterEach(() => {
    delete window.__pwned;
  });

  it('builds elements and text nodes for the usual markdown', () => {
    const root = render(SAMPLE);
    expect(root.querySelector('h1')!.textContent).to.equal('Orders app');
    expect(root.querySelector('strong')!.textContent).to.equal('query');
    expect(root.querySelector('em')!.textContent).to.equal('filters');
    expect(root.querySelector('p > code')!.textContent).to.equal('inline code');
    expect(root.querySelectorAll('ol > li')).to.have.length(2);
    expect(root.querySelector('blockquote')).to.exist;
    expect(root.querySelector('table thead th')!.textContent!.trim()).to.equal('name');
    expect(root.querySelector('table tbody td')!.textContent!.trim()).to.equal('Ada');
    expect(root.querySelector('hr')).to.exist;
    expect(root.querySelector('del')!.textContent).to.equal('not');
  });

  it('gives links a checked href that opens apart from the host page', () => {
    const link = render('see [docs](https://example.com/docs?a=1&b=2)').querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://example.com/docs?a=1&b=2');
    expect(link.target).to.equal('_blank');
    expect(link.rel).to.equal('noopener noreferrer nofollow');
    const mail = render('[mail](mailto:help@example.com)').querySelector('a')!;
    expect(mail.getAttribute('href')).to.equal('mailto:help@example.com');
  });

  it('renders a code block with its language, Copy and Insert', () => {
    const root = render('```sql\nSELECT 1;\n```');
    const block = root.querySelector('.code-block') as HTMLElement;
    expect(block.dataset.language).to.equal('sql');
    expect(block.querySelector('.code-language')!.textContent).to.equal('sql');
    expect(block.querySelector('pre > code')!.textContent).to.equal('SELECT 1;');
    const actions = [...block.querySelectorAll('button')].map((b) => [b.dataset.action, b.textContent]);
    expect(actions).to.deep.equal([
      ['copy', 'Copy'],
      ['insert', 'Insert'],
    ]);
  });

  it('labels task checkboxes for screen readers and keeps them read-only', () => {
    const boxes = [...render('- [x] done\n- [ ] open').querySelectorAll('input')];
    expect(boxes.map((b) => [b.checked, b.disabled, b.getAttribute('aria-label')])).to.deep.equal([
      [true, true, 'done'],
      [false, true, 'not done'],
    ]);
  });

  it('shows images as links to them, never loads them', () => {
    const root = render('![chart](https://example.com/chart.png)');
    expect(root.querySelector('img')).to.equal(null);
    const link = root.querySelector('a.image-link')!;
    expect(link.getAttribute('href')).to.equal('https://example.com/chart.png');
    expect(link.textContent).to.equal('Image: chart');
  });

  it('appends a stream to the tail: earlier nodes stay the same objects', () => {
    const stream = new MarkdownStream(defaultStrings);
    stream.write('# Title\n\nFirst paragraph');
    const heading = stream.root.querySelector('h1')!;
    const paragraph = stream.root.querySelector('p')!;
    stream.write(' goes on\n\nSecond');
    stream.end();
    expect(stream.root.querySelector('h1')).to.equal(heading);
    expect(stream.root.querySelector('p')).to.equal(paragraph);
    expect(paragraph.childNodes).to.have.length(1);
    expect(paragraph.textContent).to.equal('First paragraph goes on');
  });

  describe('hostile AI output', () => {
    for (const payload of HOSTILE_CORPUS) {
      it(`stays inert: ${JSON.stringify(payload).slice(0, 70)}`, async () => {
        const host = document.createElement('div');
        document.body.append(host);
        try {
          const root = render(payload);
          host.append(root);
          // Give any handler, frame or timer a chance to run.
          await new Promise((resolve) => setTimeout(resolve, 30));
          for (const a of root.querySelectorAll('a')) a.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
          expect(window.__pwned, 'a payload ran').to.equal(undefined);
          const allowed = new Set(['DIV', 'P', 'A', 'CODE', 'PRE', 'SPAN', 'BUTTON', 'EM', 'STRONG', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'BR', 'B']);
          for (const element of root.querySelectorAll('*')) {
            expect(allowed.has(element.tagName), `unexpected <${element.tagName.toLowerCase()}>`).to.equal(true);
            for (const attribute of element.attributes) {
              expect(attribute.name.startsWith('on'), `event-handler attribute ${attribute.name}`).to.equal(false);
            }
          }
          for (const a of root.querySelectorAll('a[href]')) {
            expect(['http:', 'https:', 'mailto:']).to.include(new URL((a as HTMLAnchorElement).href).protocol);
          }
        } finally {
          host.remove();
        }
      });
    }

    it('keeps markup as visible text', () => {
      const root = render('<script>window.__pwned = 1</script>');
      expect(root.textContent).to.contain('<script>');
      expect(root.querySelector('script')).to.equal(null);
    });

    it('decodes HTML entities into text, never into markup', () => {
      const root = render('&lt;img src=x onerror=alert(1)&gt; &amp; &copy; &#35; &#x41; &bogus;');
      expect(root.querySelector('img')).to.equal(null);
      expect(root.textContent).to.equal('<img src=x onerror=alert(1)> & © # A &bogus;');
    });
  });

  describe('safeLinkUrl', () => {
    const base = 'https://host.example/app/';
    it('accepts http, https and mailto, resolving relative URLs', () => {
      expect(safeLinkUrl('https://example.com/a', base)).to.equal('https://example.com/a');
      expect(safeLinkUrl('http://example.com', base)).to.equal('http://example.com/');
      expect(safeLinkUrl('mailto:a@example.com', base)).to.equal('mailto:a@example.com');
      expect(safeLinkUrl('/docs', base)).to.equal('https://host.example/docs');
    });
    it('refuses every other scheme however it is written', () => {
      for (const raw of [
        'javascript:alert(1)',
        'JAVASCRIPT:alert(1)',
        ' javascript:alert(1)',
        'java\nscript:alert(1)',
        'java\tscript:alert(1)',
        '\u0000javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        'vbscript:msgbox(1)',
        'file:///etc/passwd',
        'blob:https://host.example/x',
        'http://[::1',
      ]) {
        expect(safeLinkUrl(raw, base), raw).to.equal(null);
      }
    });
  });

  describe('streamed in random pieces', () => {
    const corpus = [SAMPLE, ...HOSTILE_CORPUS];
    it('gives the same DOM as the text in one piece', () => {
      fc.assert(
        fc.property(fc.constantFrom(...corpus), fc.array(fc.nat(), { maxLength: 40 }), (text, offsets) => {
          const whole = render(text).innerHTML;
          const streamed = renderInPieces(cut(text, offsets)).innerHTML;
          expect(streamed).to.equal(whole);
        }),
        { numRuns: 300 },
      );
    });

    it('gives the same DOM one character at a time', () => {
      for (const text of corpus) {
        expect(renderInPieces([...text]).innerHTML, text).to.equal(render(text).innerHTML);
      }
    });
  });
});
