import { openEsdbStore } from './dist/src/store/esdb.js';
const t = Date.now();
try { await openEsdbStore(`esdb://127.0.0.1:${process.argv[2]}?tls=false`, { deadlineMs: 1000 }); } catch (e) { console.log(e.message, Date.now() - t) }
process.on('exit', () => console.log('exit', Date.now() - t));
