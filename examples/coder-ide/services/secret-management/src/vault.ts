/** Secrets by name; values never leave this module unredacted in logs. */
export interface Secret {
  name: string;
  value: string;
  version: number;
}

const store = new Map<string, Secret>();

export function getSecret(name: string): Secret | undefined {
  return store.get(name);
}

export function rotateSecret(name: string, value: string): Secret {
  const previous = store.get(name);
  const next = { name, value, version: (previous?.version ?? 0) + 1 };
  store.set(name, next);
  return next;
}
