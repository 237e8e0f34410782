// Light, dark or the system's theme: kept in localStorage, applied as data-theme on <html> (app.css
// holds both palettes). "system" removes the attribute, so prefers-color-scheme decides.
import { h } from './ui.js';

const KEY = 'trainyard.theme';
const ORDER = ['system', 'light', 'dark'];
const LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

export function currentTheme() {
  const t = localStorage.getItem(KEY);
  return ORDER.includes(t) ? t : 'system';
}

export function applyTheme(theme = currentTheme()) {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
}

/** A button that cycles system -> light -> dark. */
export function themeToggle() {
  const btn = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'theme-toggle' });
  const render = () => {
    const t = currentTheme();
    btn.textContent = { system: '◐', light: '☀', dark: '☾' }[t];
    btn.title = `${LABEL[t]} (click to change)`;
    btn.setAttribute('aria-label', LABEL[t]);
    btn.dataset.theme = t;
  };
  btn.addEventListener('click', () => {
    const next = ORDER[(ORDER.indexOf(currentTheme()) + 1) % ORDER.length];
    localStorage.setItem(KEY, next);
    applyTheme(next);
    render();
  });
  render();
  return btn;
}
