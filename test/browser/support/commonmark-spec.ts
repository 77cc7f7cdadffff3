export interface SpecExample {
  markdown: string;
  html: string;
  section: string;
  number: number;
}

/** The examples of the `commonmark-spec` package's spec.txt, read as its own index.js reads them. */
export async function specExamples(): Promise<SpecExample[]> {
  const text = (await (await fetch('/node_modules/commonmark-spec/spec.txt')).text())
    .replace(/\r\n?/g, '\n')
    .replace(/^<!-- END TESTS -->(.|[\n])*/m, '');
  const examples: SpecExample[] = [];
  let section = '';
  for (const match of text.matchAll(/^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$/gm)) {
    if (match[3] !== undefined) section = match[3];
    else examples.push({ markdown: match[1]!.replace(/→/g, '\t'), html: match[2]!.replace(/→/g, '\t'), section, number: examples.length + 1 });
  }
  return examples;
}
