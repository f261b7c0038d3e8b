import { StoreUnavailableError, type Store } from './port.js';

export const openEsdbStore = async (url: string): Promise<Store> => {
  throw new StoreUnavailableError(`EventStoreDB store ${url} is not built in this revision`);
};
