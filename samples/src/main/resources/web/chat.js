// The chat demo: one BridgeSocket, the transport and fallback reason on show, live counters.
// App protocol (the demo server): send {"op":"join","room":"chat"} and {"op":"chat","name":..,"text":..};
// receive {"type":"chat",...}, {"type":"system","text":..} and, in room "ticker", {"type":"tick",...}.

const params = new URLSearchParams(location.search);
const prefix = params.get('prefix') || document.querySelector('meta[name="bridge-prefix"]')?.content || '/bridge';
const { BridgeSocket } = await import(prefix + '/client.js');

// Client options can be tried from the URL, e.g. ?transports=polling or ?probeDelay=500.
const options = {};
for (const k of ['parallelDelay', 'trustTimeout', 'probeDelay', 'probeMaxDelay', 'maxProbes', 'rememberFor']) {
  if (params.has(k)) options[k] = Number(params.get(k));
}
if (params.has('transports')) options.transports = params.get('transports').split(',');
// ?resumeOnReload=1: the session (and this page's chat lines) survive a reload of the tab.
const resumeOnReload = params.get('resumeOnReload') === '1';
if (resumeOnReload) options.resumeOnReload = true;

const $ = (id) => document.getElementById(id);
const nameInput = $('name');
nameInput.value = params.get('name') || localStorage.getItem('chat-name') || 'guest-' + Math.random().toString(36).slice(2, 6);

const startMs = Math.round(performance.now());
const sock = new BridgeSocket(prefix, options);

// What the page saw, for people and for the browser tests.
const demo = {
  sock,
  startMs,          // when the client started, ms after navigation start (page load)
  openMs: null,
  firstMessageMs: null,
  chats: resumeOnReload ? JSON.parse(sessionStorage.getItem('demo-chats') || '[]') : [], // {name, text} in arrival order
  systems: [],
  transports: [],   // every transport the session rode on, in order
  closed: null,
  sendChat(name, text) {
    sock.send(JSON.stringify({ op: 'chat', name, text }));
  },
  state() {
    return {
      transport: sock.transport,
      readyState: sock.readyState,
      fallbackReason: sock.fallbackReason,
      fallbackSource: sock.fallbackSource,
      startMs: demo.startMs,
      openMs: demo.openMs,
      firstMessageMs: demo.firstMessageMs,
      transports: demo.transports.slice(),
      chats: demo.chats.length,
      stats: sock.stats,
      closed: demo.closed,
      log: sock.log.slice(-40),
    };
  },
};
window.demo = demo;

function addLine(cls, name, text, ts) {
  const li = document.createElement('li');
  li.className = cls;
  if (name !== null) {
    const n = document.createElement('span');
    n.className = 'name';
    n.textContent = name;
    li.append(n);
  }
  li.append(document.createTextNode(text));
  if (ts) {
    const t = document.createElement('span');
    t.className = 'time';
    t.textContent = new Date(ts).toLocaleTimeString();
    li.append(t);
  }
  const list = $('messages');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
  list.append(li);
  while (list.children.length > 500) list.firstChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function showTransport() {
  const t = $('transport');
  t.textContent = sock.transport || (sock.readyState === 3 ? 'closed' : 'connecting…');
  t.className = 'badge ' + (sock.transport || (sock.readyState === 3 ? 'closed' : 'off'));
  $('state').textContent = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'][sock.readyState];
  $('state').className = 'badge ' + (sock.readyState === 1 ? 'websocket' : sock.readyState === 3 ? 'closed' : 'off');
  $('fallback-box').hidden = !sock.fallbackReason;
  $('fallback').textContent = sock.fallbackReason || '';
  $('fallback-source').textContent = sock.fallbackSource ? '(' + sock.fallbackSource + ')' : '';
}

sock.addEventListener('open', () => {
  if (demo.openMs === null) demo.openMs = Math.round(performance.now());
  sock.send(JSON.stringify({ op: 'join', room: 'chat' }));
  if ($('ticker-toggle').checked) sock.send(JSON.stringify({ op: 'join', room: 'ticker' }));
  showTransport();
});

sock.addEventListener('message', (ev) => {
  if (demo.firstMessageMs === null) {
    demo.firstMessageMs = Math.round(performance.now());
    $('first-message').textContent = demo.firstMessageMs + ' ms (on ' + sock.transport + ')';
  }
  if (typeof ev.data !== 'string') {
    addLine('system', null, '[binary message, ' + ev.data.byteLength + ' bytes]');
    return;
  }
  let m;
  try {
    m = JSON.parse(ev.data);
  } catch (e) {
    addLine('', null, ev.data);
    return;
  }
  if (m.type === 'chat') {
    demo.chats.push({ name: String(m.name), text: String(m.text) });
    addLine('', String(m.name), String(m.text), m.ts);
  } else if (m.type === 'system') {
    demo.systems.push(String(m.text));
    addLine('system', null, String(m.text), m.ts);
  } else if (m.type === 'tick') {
    $('ticker').textContent = m.symbol + ' ' + Number(m.price).toFixed(2);
  }
});

sock.addEventListener('transportchange', (ev) => {
  if (ev.transport) {
    demo.transports.push(ev.transport);
    if (ev.previous) addLine('system', null, 'now on ' + ev.transport + ' (was ' + ev.previous + ')');
  }
  showTransport();
});
sock.addEventListener('fallback', showTransport);
sock.addEventListener('sessionlost', (ev) => {
  addLine('system', null, 'session lost (' + ev.reason + '); ' + ev.lost + ' unsent messages dropped; starting a new one');
});
sock.addEventListener('close', (ev) => {
  demo.closed = { code: ev.code, reason: ev.reason };
  addLine('system', null, 'closed: ' + ev.code + ' ' + ev.reason);
  showTransport();
});

$('send-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || sock.readyState > 1) return;
  localStorage.setItem('chat-name', nameInput.value);
  demo.sendChat(nameInput.value || 'guest', text);
  $('text').value = '';
});
$('ticker-toggle').addEventListener('change', (ev) => {
  if (ev.target.checked && sock.readyState === 1) sock.send(JSON.stringify({ op: 'join', room: 'ticker' }));
  $('ticker').hidden = !ev.target.checked;
});
// The socket saved its session in its own pagehide listener (added first): the lines so far go with it.
addEventListener('pagehide', () => (resumeOnReload ? sessionStorage.setItem('demo-chats', JSON.stringify(demo.chats)) : sock.close()));

function showCounters() {
  for (const td of document.querySelectorAll('#counters td[data-k]')) {
    const src = td.dataset.t ? sock.stats.byTransport[td.dataset.t] : sock.stats;
    td.textContent = String(src[td.dataset.k] ?? '');
  }
  $('buffered').textContent = String(sock.bufferedAmount);
  if ($('log').closest('details').open) $('log').textContent = sock.log.join('\n');
}
setInterval(showCounters, 250);
showTransport();
