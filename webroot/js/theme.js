// Light, dark or the system's theme: the choice is kept in localStorage and resolved to data-theme
// on <html> ("light" or "dark"; app.css holds the dark palette under it). With "system" the
// resolution follows prefers-color-scheme, also when it changes while the page is open.
import { h } from './ui.js';

const KEY = 'trainyard.theme';
const ORDER = ['system', 'light', 'dark'];
const LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

export function currentTheme() {
  const t = localStorage.getItem(KEY);
  return ORDER.includes(t) ? t : 'system';
}

export function applyTheme(theme = currentTheme()) {
  const dark = theme === 'dark' || (theme === 'system' && systemDark.matches);
  document.documentElement.setAttribute('data-theme', dark ? 'dark' : 'light');
}
systemDark.addEventListener('change', () => applyTheme());

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
