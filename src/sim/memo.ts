/**
 * Remembers a pure function of a string. The server is stateless, so every request replays the whole
 * conversation and reads each earlier tool result again; the answers for texts already read come from
 * here. At most `max` texts are kept (the oldest go first), so a long-lived server stays bounded: a
 * conversation has at most a few dozen turns, and a run a few conversations at once.
 */
export const memoByText = <A>(f: (text: string) => A, max = 1024): ((text: string) => A) => {
  const seen = new Map<string, A>();
  return (text) => {
    const hit = seen.get(text);
    if (hit !== undefined) return hit;
    const value = f(text);
    if (seen.size >= max) seen.delete(seen.keys().next().value as string);
    seen.set(text, value);
    return value;
  };
};

/** Remembers a pure function of an object for as long as the object lives. */
export const memoByObject = <K extends object, A>(f: (key: K) => A): ((key: K) => A) => {
  const seen = new WeakMap<K, A>();
  return (key) => {
    if (seen.has(key)) return seen.get(key) as A;
    const value = f(key);
    seen.set(key, value);
    return value;
  };
};
