/** Numbers and dates for one locale, with Intl; formatters are made once per locale. */
export interface LocaleFormat {
  credits(value: number): string;
  integer(value: number): string;
  date(iso: string): string;
}

const cache = new Map<string, LocaleFormat>();

export function localeFormat(locale?: string): LocaleFormat {
  const key = locale ?? '';
  let format = cache.get(key);
  if (!format) {
    const locales = locale ? [locale] : undefined;
    let credits: Intl.NumberFormat;
    let integer: Intl.NumberFormat;
    let date: Intl.DateTimeFormat;
    try {
      credits = new Intl.NumberFormat(locales, { maximumFractionDigits: 3 });
      integer = new Intl.NumberFormat(locales, { maximumFractionDigits: 0 });
      date = new Intl.DateTimeFormat(locales, { dateStyle: 'medium' });
    } catch {
      // An invalid locale tag falls back to the browser's own locale rather than breaking the element.
      return localeFormat(undefined);
    }
    format = {
      credits: (value) => credits.format(value),
      integer: (value) => integer.format(value),
      date: (iso) => date.format(new Date(iso)),
    };
    cache.set(key, format);
  }
  return format;
}
