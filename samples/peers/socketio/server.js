'use strict';
// Socket.IO peer of the Comet Bridge benchmark: the same application as the bridge's BenchApp.
//   event "e" (text): echoed back to the sender as "e"
//   event "j": the sender joins room "fan" and gets "j" back
//   the room receives "f" events (text "f<seq>:<epoch µs>:" padded with dots) from the broadcaster
// Control API on the same port (the benchmark uses it, not the clients under test):
//   POST /bench/broadcast?rate=R&seconds=S&size=B  -> {"total":N}
//   GET  /bench/broadcast                          -> {"sent":N,"running":bool}
//   POST /bench/gc                                 -> {} after a full garbage collection (needs --expose-gc)
// Usage: node --expose-gc server.js [--port 0] [--host 127.0.0.1]
// Prints "BENCH-SERVER LISTENING <port> PID <pid>" when ready; exits when standard input closes.
const http = require('http');
const { Server } = require('socket.io');

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf('--' + name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const host = option('host', '127.0.0.1');
const port = Number(option('port', '0'));
const ROOM = 'fan';

const httpServer = http.createServer(control);
// Socket.IO's defaults (pingInterval 25 s, pingTimeout 20 s, both transports, no compression
// negotiated by our clients): the benchmark compares default configurations.
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('e', (text) => socket.emit('e', text));
  socket.on('j', () => {
    socket.join(ROOM);
    socket.emit('j');
  });
});

// ---------------------------------------------------------------- broadcaster

let sent = 0;
let total = 0;
let running = false;
let timer = null;

function epochMicros() {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

function fanoutText(seq, size) {
  let t = 'f' + seq + ':' + epochMicros() + ':';
  if (t.length < size) t += '.'.repeat(size - t.length);
  return t;
}

function startBroadcast(rate, seconds, size) {
  if (timer) clearTimeout(timer);
  sent = 0;
  total = Math.max(1, Math.round(rate * seconds));
  running = true;
  const periodMs = 1000 / rate;
  const start = performance.now();
  // Fixed-rate schedule: each tick sends every broadcast that is due, so timer lateness does not
  // lower the rate (setInterval drifts).
  const tick = () => {
    const due = Math.min(total, Math.floor((performance.now() - start) / periodMs) + 1);
    while (sent < due) {
      sent++;
      io.to(ROOM).emit('f', fanoutText(sent, size));
    }
    if (sent >= total) {
      running = false;
      timer = null;
      return;
    }
    const next = start + sent * periodMs - performance.now();
    timer = setTimeout(tick, Math.max(0, next));
  };
  tick();
  return total;
}

// ---------------------------------------------------------------- control API

function control(req, res) {
  const url = new URL(req.url, 'http://localhost');
  let body = null;
  if (url.pathname === '/bench/broadcast' && req.method === 'POST') {
    const q = url.searchParams;
    body = { total: startBroadcast(Number(q.get('rate')), Number(q.get('seconds')), Number(q.get('size'))) };
  } else if (url.pathname === '/bench/broadcast') {
    body = { sent, running };
  } else if (url.pathname === '/bench/gc') {
    if (global.gc) {
      global.gc();
      global.gc();
    }
    body = { gc: Boolean(global.gc) };
  }
  req.resume();
  if (body === null) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"not_found"}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

// ---------------------------------------------------------------- lifecycle

function stop() {
  if (timer) clearTimeout(timer);
  io.close();
  httpServer.close();
  process.exit(0);
}

httpServer.listen(port, host, () => {
  process.stdout.write('BENCH-SERVER LISTENING ' + httpServer.address().port + ' PID ' + process.pid + '\n');
});
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
