import { resolve } from 'node:path';
import { openFileStore } from '../store/file.js';
import type { Store } from '../store/port.js';

/** Where the store is: `--store`, else TACK_STORE, else ./.tack. */
export const storeSpec = (flag: string | undefined): string => flag ?? process.env.TACK_STORE ?? '.tack';

export const isUrl = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(spec);

/** Open the store named by a folder or URL. `create` makes an empty file store (for `init`). */
export const openStore = async (spec: string, options: { create?: boolean } = {}): Promise<Store> => {
  if (isUrl(spec)) {
    if (spec.startsWith('esdb://') || spec.startsWith('esdb+discover://')) {
      const { openEsdbStore } = await import('../store/esdb.js');
      return openEsdbStore(spec);
    }
    throw new Error(`unsupported store URL ${spec.replace(/\/\/[^@/]*@/, '//')}: use a folder or esdb://host:port?tls=false`);
  }
  return openFileStore(resolve(spec), options);
};
