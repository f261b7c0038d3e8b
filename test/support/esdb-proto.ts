/**
 * Protobuf helpers and event shapes shared by the test server's services (esdb-server.ts, esdb-persistent.ts).
 */
import * as grpc from '@grpc/grpc-js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';

/** An event as the client proposed it, byte for byte. */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  readonly created: bigint;
  readonly position: bigint;
}

export const uuidText = (uuid: sharedPb.UUID | undefined): string => {
  if (!uuid) throw new Error('missing UUID');
  if (uuid.hasString()) return uuid.getString();
  const s = uuid.getStructured();
  if (!s) throw new Error('empty UUID');
  const hex =
    BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

export const uuidMessage = (id: string, structured: boolean): sharedPb.UUID => {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const s = new sharedPb.UUID.Structured();
  s.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
  s.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(s);
};

export const streamNameOf = (identifier: sharedPb.StreamIdentifier | undefined): string => {
  if (!identifier) throw new Error('missing stream identifier');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
};

export const identifierOf = (name: string): sharedPb.StreamIdentifier =>
  new sharedPb.StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));

/** An error status carrying the server's `exception` metadata, which the client maps to its error classes. */
export const exceptionStatus = (code: grpc.status, details: string, exception: string, extra: Record<string, string> = {}): Partial<grpc.StatusObject> => {
  const metadata = new grpc.Metadata();
  metadata.set('exception', exception);
  for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
  return { code, details, metadata };
};

export const invalidArgument = (details: string, exception: string, extra: Record<string, string> = {}): Partial<grpc.StatusObject> =>
  exceptionStatus(grpc.status.INVALID_ARGUMENT, details, exception, extra);

export const unimplemented = (what: string): Partial<grpc.StatusObject> => ({
  code: grpc.status.UNIMPLEMENTED,
  details: `the tack test server does not implement ${what}`,
});

