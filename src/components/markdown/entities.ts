const named = new Map<string, string>();
let parser: DOMParser | undefined;

/**
 * The text with its HTML character references decoded, as CommonMark decodes them in text,
 * link destinations, titles and info strings. Numeric references are computed; a named one is
 * looked up by the browser (no entity table shipped): the string handed to `DOMParser` is
 * exactly one `&name;` that a strict pattern has checked, so nothing but a character can come
 * of it. Unknown names stay as written.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g, (whole, dec, hex, name) => {
    if (name) return namedEntity(whole);
    const code = dec ? Number.parseInt(dec, 10) : Number.parseInt(hex, 16);
    return String.fromCodePoint(code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? 0xfffd : code);
  });
}

function namedEntity(reference: string): string {
  let value = named.get(reference);
  if (value === undefined) {
    parser ??= new DOMParser();
    const decoded = parser.parseFromString(`<p>${reference}</p>`, 'text/html').body.textContent ?? reference;
    // `&ampx;`-style legacy prefixes decode only partly: a name the browser does not know stays as written.
    value = decoded.length > 2 || decoded === '' ? reference : decoded;
    named.set(reference, value);
  }
  return value;
}
