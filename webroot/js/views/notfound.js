import { h } from '../ui.js';

export const notFoundView = {
  key: 'notfound',
  mount(el) {
    el.append(h('div', { class: 'page narrow' }, h('div', { class: 'empty', 'data-testid': 'page-not-found' },
      h('div', { class: 'empty-title' }, 'Page not found'),
      h('p', { class: 'muted' }, 'There is nothing at this address.'),
      h('a', { href: '/jobs', class: 'btn btn-primary' }, 'Go to jobs'))));
  },
};
