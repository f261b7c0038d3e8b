#!/usr/bin/env node
// Bundles the compiled command line (dist/src, from tsc) into dist/bundle, which bin/tack.js runs.
// Why: a `tack` process spends most of its start loading modules (about 150 of ours and the
// dependencies', each resolved, read and linked apart); one bundle with a chunk per command starts
// in about two-thirds of the CPU time. The tests that import modules use dist/src as before.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bundle';
rmSync(OUT, { recursive: true, force: true });
await build({
  // The read-ahead worker keeps its name: the store starts it as ./read-ahead-worker.js beside its code.
  entryPoints: { main: 'dist/src/cli/main.js', 'read-ahead-worker': 'dist/src/store/read-ahead-worker.js' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // The EventStoreDB client and gRPC find their .proto files beside their own code: they load from
  // node_modules. The store lock's native addon is found at run time (src/store/lock.ts).
  external: ['@eventstore/db-client', '@grpc/*', '*.node'],
  // CommonJS dependencies (fp-ts, io-ts) call require for Node's modules.
  banner: { js: "import { createRequire as __tackRequire } from 'node:module'; const require = __tackRequire(import.meta.url);" },
  logLevel: 'warning',
});
