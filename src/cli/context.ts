import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Store } from '../store/port.js';
import { openStore, storeSpec } from '../app/open-store.js';
import type { StampContext } from '../app/envelope.js';

/** What every command gets: its store, how to print, who is acting. */
export interface GlobalArgs {
  readonly [key: string]: unknown;
  readonly store?: string;
  readonly json?: boolean;
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

/** The person behind a hand-made edit: TACK_USER, else the login name. */
export const humanActor = (): string => {
  const name = process.env.TACK_USER ?? (() => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  })();
  return `human:${name}`;
};

export const commandContext = (actor: string = humanActor()): StampContext => ({ actor, correlationId: randomUUID() });

/** Open the store for one command and always close it. */
export const withStore = async <A>(args: GlobalArgs, fn: (store: Store) => Promise<A>, options: { create?: boolean } = {}): Promise<A> => {
  const store = await openStore(storeSpec(args.store), options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
};

export const printJson = (o: Output, value: unknown): void => o.out(JSON.stringify(value, null, 2));
