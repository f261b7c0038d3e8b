import type { Argv } from 'yargs';
import { UsageError } from '../app/errors.js';
import { storeSpec } from '../app/open-store.js';
import type { Store, WorkGroupSettings, WorkQueue } from '../store/port.js';

/** The worker group's settings, for whichever command creates the group (an existing group keeps its own). */
export const workOptions = <T>(y: Argv<T>) =>
  y
    .option('job-timeout', { type: 'number', default: 900, describe: 'seconds a worker may hold a job before it is given to another (when this creates the worker group)' })
    .option('job-retries', { type: 'number', default: 3, describe: 'deliveries after the first before a failing job is parked (when this creates the worker group)' });

export interface WorkArgs {
  jobTimeout: number;
  jobRetries: number;
}

export const workSettings = (a: WorkArgs): WorkGroupSettings => {
  if (!(a.jobTimeout > 0 && a.jobTimeout <= 86_400)) throw new UsageError('--job-timeout must be a number of seconds between 0 and 86400');
  if (!(Number.isInteger(a.jobRetries) && a.jobRetries >= 0 && a.jobRetries <= 1_000)) throw new UsageError('--job-retries must be an integer from 0 to 1000');
  return { jobTimeoutMs: Math.round(a.jobTimeout * 1000), maxRetries: a.jobRetries };
};

/** Workers share jobs through EventStoreDB persistent subscriptions: refuse any other store before opening it. */
export const requireSharedStore = (flag: string | undefined, what: string): void => {
  const spec = storeSpec(flag);
  if (!/^esdb(\+discover)?:\/\//i.test(spec))
    throw new UsageError(`${what} needs an EventStoreDB store (--store esdb://host:2113?tls=false), where workers share jobs; ${spec.replace(/\/\/[^@/]*@/, '//')} is not one`);
};

export const workQueueOf = (store: Store, what: string): WorkQueue => {
  if (!store.work) throw new UsageError(`${what} needs an EventStoreDB store, where workers share jobs`);
  return store.work;
};
