const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The URL to put in an `href`, or null when the link must stay inert. The raw text is parsed
 * exactly as the browser would parse the attribute (WHATWG URL: control characters, tabs and
 * newlines stripped, relative URLs resolved against `base`), and only the serialized result is
 * used, so what is checked is what a click would open. Only http, https and mailto pass:
 * `javascript:`, `data:`, `vbscript:`, `file:` and every obfuscation of them do not.
 */
export function safeLinkUrl(raw: string, base: string = document.baseURI): string | null {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  return ALLOWED_PROTOCOLS.has(url.protocol) ? url.href : null;
}
