// Light, dark, or whatever the system prefers; the page and the widget's elements follow.

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'credit-chat-demo:theme';
const LABELS: Record<ThemeChoice, string> = {
  system: 'Theme: follow the system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

export function storedTheme(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function nextTheme(theme: ThemeChoice): ThemeChoice {
  return theme === 'system' ? 'light' : theme === 'light' ? 'dark' : 'system';
}

/** Sets the page's `data-theme` and the elements' `theme` attribute (removed: they follow the system too). */
export function applyTheme(theme: ThemeChoice, elements: readonly HTMLElement[]): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  for (const element of elements) {
    if (theme === 'system') element.removeAttribute('theme');
    else element.setAttribute('theme', theme);
  }
  const toggle = document.getElementById('theme-toggle');
  toggle?.setAttribute('aria-label', LABELS[theme]);
  toggle?.setAttribute('title', LABELS[theme]);
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // not remembered; it still applies
  }
}
