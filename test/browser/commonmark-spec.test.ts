import { expect } from '@open-wc/testing';
import '../../src/define.js';
import type { CreditMarkdown } from '../../src/components/credit-markdown/credit-markdown.js';
import { canonicalHtml, parseHtml } from './support/canonical-html.js';
import { KNOWN_SPEC_FAILURES, RAW_HTML_SECTIONS } from './support/commonmark-known-failures.js';
import { specExamples, type SpecExample } from './support/commonmark-spec.js';

async function renderElement(markdown: string): Promise<ShadowRoot> {
  const element = document.createElement('credit-markdown') as CreditMarkdown;
  element.markdown = markdown;
  document.body.append(element);
  await element.updateComplete;
  element.remove();
  return element.shadowRoot!;
}

/** Elements the renderer makes of markdown; none may come of raw HTML. */
const MARKDOWN_TAGS = new Set(
  'div p a span code pre button em strong del h1 h2 h3 h4 h5 h6 blockquote ul ol li hr br table thead tbody tr th td input'.split(' '),
);

describe('CommonMark 0.31 spec examples through <credit-markdown> in Chromium', () => {
  let examples: SpecExample[] = [];
  const results = new Map<number, boolean>();

  before(async () => {
    examples = await specExamples();
    for (const example of examples) {
      const root = await renderElement(example.markdown);
      const ours = canonicalHtml(root.querySelector('.markdown')!);
      results.set(example.number, ours === canonicalHtml(parseHtml(example.html)));
    }
  });

  it('reads all 652 examples', () => {
    expect(examples).to.have.length(652);
  });

  it('renders every example like the spec but the listed ones', () => {
    const unexpected = examples.filter((e) => !RAW_HTML_SECTIONS.has(e.section) && !results.get(e.number) && !KNOWN_SPEC_FAILURES.has(e.number));
    expect(unexpected.map((e) => `${e.number} (${e.section})`), 'examples that newly differ from the spec').to.deep.equal([]);
  });

  it('lists only examples that still fail', () => {
    const fixed = [...KNOWN_SPEC_FAILURES.keys()].filter((n) => results.get(n));
    expect(fixed, 'listed as failing but now pass: take them off the list').to.deep.equal([]);
  });

  it('passes at least 95 % of the examples outside the raw-HTML sections', () => {
    const counted = examples.filter((e) => !RAW_HTML_SECTIONS.has(e.section));
    const passed = counted.filter((e) => results.get(e.number)).length;
    expect(passed / counted.length).to.be.at.least(0.95);
  });

  it('shows the raw-HTML examples as literal text: no element comes of them', async () => {
    for (const example of examples.filter((e) => RAW_HTML_SECTIONS.has(e.section))) {
      const root = (await renderElement(example.markdown)).querySelector('.markdown')!;
      for (const element of root.querySelectorAll('*')) {
        expect(MARKDOWN_TAGS.has(element.localName), `example ${example.number}: <${element.localName}>`).to.equal(true);
        for (const name of element.getAttributeNames()) expect(name.startsWith('on'), `example ${example.number}: ${name}`).to.equal(false);
      }
      const tags = example.markdown.match(/<\/?[A-Za-z][A-Za-z0-9-]*/g) ?? [];
      for (const tag of tags) expect(root.textContent, `example ${example.number}: ${tag} shown`).to.contain(tag);
    }
  });
});
