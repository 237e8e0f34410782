// The signed-in user, shared by the views.
export const session = { me: null };

const listeners = new Set();

export function setMe(user) {
  session.me = user;
  for (const fn of [...listeners]) fn(user);
}

export function onMe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
