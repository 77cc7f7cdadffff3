import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import '../../src/define.js';
import type { CreditMarkdown } from '../../src/components/credit-markdown/credit-markdown.js';
import { MarkdownStream } from '../../src/components/markdown/markdown-stream.js';
import { defaultStrings } from '../../src/i18n/strings.js';
import { AI_ANSWERS } from './support/ai-answers.js';
import { canonicalHtml, parseHtml } from './support/canonical-html.js';
import { specExamples } from './support/commonmark-spec.js';
import { cutRanges } from './support/split.js';

const render = (text: string) => MarkdownStream.fromText(text, defaultStrings).root;

function renderInPieces(text: string, offsets: readonly number[]): HTMLElement {
  const stream = new MarkdownStream(defaultStrings);
  for (const [start, end] of cutRanges(text.length, offsets)) stream.write(text.slice(start, end));
  stream.end();
  return stream.root;
}

const markdownView = (el: CreditMarkdown) => el.shadowRoot!.querySelector<HTMLElement>('.markdown')!;

describe('<credit-markdown>', () => {
  describe('AI answers, compared with markdown-it', () => {
    // GFM as markdown-it has it: tables, strikethrough, linkified URLs; every link kept, so that
    // both sides go through the same URL check when compared.
    const reference = new MarkdownIt({ linkify: true });
    reference.validateLink = () => true;
    reference.linkify.set({ fuzzyLink: true });
    for (const answer of AI_ANSWERS) {
      it(`renders like the reference: ${JSON.stringify(answer).slice(0, 60)}`, () => {
        const expected = canonicalHtml(parseHtml(reference.render(answer)));
        expect(canonicalHtml(render(answer))).to.equal(expected);
      });
    }

    it('keeps snake_case names and __dunder names as written', () => {
      const root = render(AI_ANSWERS[0]!);
      expect(root.querySelector('em, strong')).to.equal(null);
      expect(root.textContent).to.contain('created_at, updated_at and __internal_flag').and.contain('window.__app_state').and.contain('my_table_name_v2');
    });

    it('keeps code under a numbered step in the one list, without the list indentation', () => {
      const root = render(AI_ANSWERS[2]!);
      expect(root.querySelectorAll('ol')).to.have.length(1);
      expect(root.querySelectorAll('ol > li')).to.have.length(3);
      const block = root.querySelector('ol .code-block') as HTMLElement;
      expect(block.dataset.language).to.equal('python');
      expect(block.querySelector('code')!.textContent).to.equal('def total(items):\n    return sum(i.price for i in items)');
    });

    it('links only http, https and mailto; a link title is a title, parentheses stay in the URL', () => {
      const root = render(AI_ANSWERS[5]!);
      const links = [...root.querySelectorAll('a')].map((a) => [a.getAttribute('href'), a.getAttribute('title')]);
      expect(links).to.deep.include(['https://example.com/docs', 'Docs title']);
      expect(links).to.deep.include(['https://en.wikipedia.org/wiki/Function_(mathematics)', null]);
      expect(links).to.deep.include(['https://example.com/guide', 'The guide']);
      expect(links).to.deep.include(['mailto:team@example.com', 'Mail us']);
      expect(root.querySelector('.inert-link')!.textContent).to.equal('bad');
      for (const [href] of links) expect(href).to.match(/^(https?|mailto):/);
    });
  });

  describe('streaming', () => {
    let corpus: string[] = [];
    before(async () => {
      corpus = [...AI_ANSWERS, ...(await specExamples()).map((e) => e.markdown)];
    });

    it('gives the DOM of the whole text, however the text is cut (spec examples and AI answers)', () => {
      fc.assert(
        fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 30 }), (pick, offsets) => {
          const text = corpus[pick % corpus.length]!;
          const streamed = renderInPieces(text, offsets).innerHTML;
          const whole = render(text).innerHTML;
          if (streamed !== whole) throw new Error(`${JSON.stringify(text)} cut at ${JSON.stringify(cutRanges(text.length, offsets))}:\n${streamed}\n${whole}`);
        }),
        { numRuns: 1500, includeErrorInReport: true },
      );
    });

    it('gives the DOM of the whole text one character at a time', () => {
      for (const text of AI_ANSWERS) {
        const stream = new MarkdownStream(defaultStrings);
        for (const char of text) stream.write(char);
        stream.end();
        expect(stream.root.innerHTML).to.equal(render(text).innerHTML);
      }
    });

    it('keeps the nodes of finished blocks while the tail grows', () => {
      const stream = new MarkdownStream(defaultStrings);
      stream.write('# Title\n\n```sql\nSELECT 1;\n```\n\nSome text');
      const heading = stream.root.querySelector('h1')!;
      const code = stream.root.querySelector('.code-block')!;
      const paragraph = stream.root.querySelector('p')!;
      const textNode = paragraph.firstChild;
      stream.write(' more text\n\n- one\n- two');
      expect(stream.root.querySelector('h1')).to.equal(heading);
      expect(stream.root.querySelector('.code-block')).to.equal(code);
      expect(stream.root.querySelector('p')).to.equal(paragraph);
      expect(paragraph.firstChild).to.equal(textNode);
      const firstItem = stream.root.querySelector('li')!;
      stream.write('\n- three');
      stream.end();
      expect(stream.root.querySelector('li')).to.equal(firstItem);
      expect(stream.root.querySelectorAll('li')).to.have.length(3);
    });

    it('turns a paragraph into a setext heading or a table when the next line says so', () => {
      const stream = new MarkdownStream(defaultStrings);
      stream.write('Intro\n\nTitle\n');
      expect(stream.root.querySelectorAll('p')).to.have.length(2);
      stream.write('===\n\na | b\n');
      expect(stream.root.querySelector('h1')!.textContent).to.equal('Title');
      stream.write('--|--\n1 | 2\n');
      stream.end();
      expect(stream.root.querySelector('table td')!.textContent).to.equal('1');
    });

    it('links a reference whose definition arrives after the block that uses it', () => {
      const stream = new MarkdownStream(defaultStrings);
      stream.write('See [the guide].\n\nMore text.\n\n');
      expect(stream.root.querySelector('a')).to.equal(null);
      stream.write('[the guide]: https://example.com/guide\n');
      stream.end();
      expect(stream.root.querySelector('a')!.getAttribute('href')).to.equal('https://example.com/guide');
    });
  });

  describe('the element', () => {
    it('renders its markdown property in its shadow root', async () => {
      const el = await fixture<CreditMarkdown>(html`<credit-markdown .markdown=${'# Hi\n\nSome **bold**'}></credit-markdown>`);
      expect(markdownView(el).querySelector('h1')!.textContent).to.equal('Hi');
      expect(markdownView(el).querySelector('strong')!.textContent).to.equal('bold');
    });

    it('takes its markdown from the attribute too, as a plain page writes it', async () => {
      const el = await fixture<CreditMarkdown>(html`<credit-markdown markdown="Use \`created_at\` and [docs](https://example.com)"></credit-markdown>`);
      expect(markdownView(el).querySelector('code')!.textContent).to.equal('created_at');
      expect(markdownView(el).querySelector('a')!.getAttribute('href')).to.equal('https://example.com/');
    });

    it('appends a markdown that extends the previous one; renders anew otherwise', async () => {
      const el = await fixture<CreditMarkdown>(html`<credit-markdown streaming .markdown=${'# Title\n\nFirst'}></credit-markdown>`);
      const heading = markdownView(el).querySelector('h1')!;
      el.markdown = '# Title\n\nFirst and more';
      await el.updateComplete;
      expect(markdownView(el).querySelector('h1')).to.equal(heading);
      el.appendMarkdown(' text');
      el.streaming = false;
      await el.updateComplete;
      expect(el.markdown).to.equal('# Title\n\nFirst and more text');
      expect(markdownView(el).querySelector('p')!.textContent).to.equal('First and more text');
      el.markdown = '# Other';
      await el.updateComplete;
      expect(markdownView(el).querySelector('h1')).not.to.equal(heading);
      expect(markdownView(el).textContent).to.equal('Other');
    });

    it('fires credit-insert with exactly the code block content and its language', async () => {
      const el = await fixture<CreditMarkdown>(html`<credit-markdown .markdown=${AI_ANSWERS[2]!}></credit-markdown>`);
      const block = el.shadowRoot!.querySelector('[part="code-block"]')!;
      const heard = oneEvent(document, 'credit-insert');
      block.querySelector<HTMLButtonElement>('button[data-action="insert"]')!.click();
      expect((await heard).detail).to.deep.equal({ text: 'def total(items):\n    return sum(i.price for i in items)', language: 'python' });
    });

    it('shows raw HTML as text', async () => {
      const el = await fixture<CreditMarkdown>(html`<credit-markdown .markdown=${'<div onclick="x()">hi</div>\n\n<b>bold</b> <img src=x onerror=y()>'}></credit-markdown>`);
      const view = markdownView(el);
      expect(view.querySelector('b, img, [onclick]')).to.equal(null);
      expect(view.textContent).to.contain('<div onclick="x()">hi</div>').and.contain('<img src=x onerror=y()>');
    });
  });
});
