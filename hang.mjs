import net from 'node:net';
const s = net.createServer(() => {}); s.listen(0, '127.0.0.1', () => console.log(s.address().port));
setTimeout(() => process.exit(0), 60000);
