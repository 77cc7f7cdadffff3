/** RFC 4180 CSV, pure: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF. */

/** A text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's CSV injection advice). */
function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export function csvField(value: string | number | boolean | null, { text = false } = {}): string {
  if (value === null) return '';
  const raw = typeof value === 'string' && text ? defuse(value) : String(value);
  return /[",\r\n]/.test(raw) ? `"${raw.replace(/"/g, '""')}"` : raw;
}

export function csvRow(fields: string[]): string {
  return `${fields.join(',')}\r\n`;
}

/** Whole millicredits as exact credits: 24125 → "24.125", 3000 → "3". */
export function creditsText(millicredits: number): string {
  const sign = millicredits < 0 ? '-' : '';
  const abs = Math.abs(millicredits);
  const whole = Math.floor(abs / 1000);
  const fraction = String(abs % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
