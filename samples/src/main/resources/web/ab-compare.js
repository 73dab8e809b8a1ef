// A/B page, comparison on demand: POST {prefix}/ab/compare starts the same synthetic workload over
// each transport; the page polls GET {prefix}/ab/compare for progress and shows per-transport
// medians with their spread across runs, as a table and a chart. Self-contained, no libraries.
(function () {
  'use strict';
  var prefix = new URLSearchParams(location.search).get('prefix') || '/bridge';
  var url = prefix + '/ab/compare';
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var headers = token ? { Authorization: 'Bearer ' + token } : {};
  var FIGURES = [
    ['latencyMs', 'latency, median (ms)', 2],
    ['latencyP95Ms', 'latency, p95 (ms)', 2],
    ['messagesPerSecond', 'messages per second', 0],
    ['wireBytesPerMessage', 'wire bytes per message', 0],
    ['httpRequestsPerMessage', 'HTTP requests per message', 2],
    ['serverCpuMicrosPerMessage', 'server session CPU per message (µs, sampled)', 1]
  ];
  var status = document.getElementById('cmp-status');
  var progress = document.getElementById('cmp-progress');
  var button = document.getElementById('cmp-start');
  var timer = null;

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  function say(text, error) {
    status.textContent = text;
    status.style.color = error ? '#c53030' : '#555';
  }

  function answer(r) {
    return r.text().then(function (text) {
      var body = null;
      try { body = JSON.parse(text); } catch (e) { /* not JSON: a proxy's page */ }
      if (r.status === 404) return null; // none has run yet (or statistics are off: --stats)
      if (!r.ok) throw new Error('HTTP ' + r.status + (body && body.message ? ': ' + body.message : ''));
      return body;
    });
  }

  function start(ev) {
    ev.preventDefault();
    var q = ['sessions', 'messages', 'runs'].map(function (n) {
      return n + '=' + encodeURIComponent(document.getElementById('cmp-' + n).value);
    }).join('&');
    button.disabled = true;
    fetch(url + '?' + q, { method: 'POST', cache: 'no-store', headers: headers })
      .then(answer)
      .then(function (c) {
        if (c === null) throw new Error('HTTP 404: the server needs --stats');
        show(c);
        follow();
      })
      .catch(function (e) { button.disabled = false; say('cannot start: ' + e.message, true); });
  }

  function follow() {
    clearTimeout(timer);
    fetch(url, { cache: 'no-store', headers: headers })
      .then(answer)
      .then(function (c) {
        if (c === null) { say('no comparison has run yet (the server needs --stats)'); return; }
        show(c);
        if (c.state === 'running') timer = setTimeout(follow, 500);
      })
      .catch(function (e) { button.disabled = false; say('cannot read ' + url + ': ' + e.message, true); });
  }

  function show(c) {
    progress.max = c.progress.total;
    progress.value = c.progress.done;
    button.disabled = c.state === 'running';
    var plan = c.plan.sessions + ' sessions × ' + c.plan.messages + ' messages, ' + c.plan.runs + ' run(s)';
    if (c.state === 'running') say('running ' + c.progress.step + ' (' + c.progress.done + ' of ' + c.progress.total + ' steps; ' + plan + ')');
    else if (c.state === 'failed') say('failed: ' + c.error, true);
    else say('done: ' + plan + ', ' + fmt((c.finishedAt - c.startedAt) / 1000, 1) + ' s');
    table(c.transports);
    chart(c.transports);
  }

  function spread(s, digits) {
    if (!s || s.median === null) return '–';
    return fmt(s.median, digits) + (s.runs.length > 1 ? '  (' + fmt(s.min, digits) + ' – ' + fmt(s.max, digits) + ')' : '');
  }

  function table(t) {
    var body = document.querySelector('#compare tbody');
    body.textContent = '';
    FIGURES.forEach(function (f) {
      var ws = t.websocket[f[0]], poll = t.polling[f[0]];
      var ratio = ws && poll && ws.median > 0 && poll.median !== null ? fmt(poll.median / ws.median, 2) : '–';
      var tr = document.createElement('tr');
      [f[1], spread(ws, f[2]), spread(poll, f[2]), ratio].forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  // One group per figure: polling's median, min and max as multiples of WebSocket's median (1 = the same).
  function chart(t) {
    var canvas = document.getElementById('c-compare');
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
    var g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    var rows = FIGURES.map(function (f) {
      var ws = t.websocket[f[0]], poll = t.polling[f[0]];
      if (!ws || !poll || !(ws.median > 0) || poll.median === null) return null;
      return { name: f[1], ws: [ws.min / ws.median, 1, ws.max / ws.median], poll: [poll.min / ws.median, poll.median / ws.median, poll.max / ws.median] };
    });
    var max = 1;
    rows.forEach(function (r) { if (r) max = Math.max(max, r.ws[2], r.poll[2]); });
    var left = 230, right = 40, top = 8, rowH = (h - top - 16) / FIGURES.length;
    var x = function (v) { return left + (w - left - right) * v / max; };
    g.font = '11px system-ui, sans-serif';
    g.strokeStyle = '#ccc';
    g.beginPath(); g.moveTo(x(1), top); g.lineTo(x(1), h - 14); g.stroke();
    g.fillStyle = '#888'; g.fillText('1× websocket', x(1) - 30, h - 3); g.fillText(fmt(max, 1) + '×', w - right, h - 3);
    rows.forEach(function (r, i) {
      var y = top + i * rowH;
      g.fillStyle = '#333';
      g.fillText(FIGURES[i][1], 4, y + rowH / 2 + 4);
      if (!r) return;
      [['ws', '#2b6cb0', 0.3], ['poll', '#dd6b20', 0.62]].forEach(function (k) {
        var v = r[k[0]], cy = y + rowH * k[2];
        g.fillStyle = k[1];
        g.fillRect(left, cy - 4, x(v[1]) - left, 8);
        g.strokeStyle = '#222'; g.beginPath(); g.moveTo(x(v[0]), cy); g.lineTo(x(v[2]), cy); g.stroke();
      });
    });
  }

  document.getElementById('compare-form').addEventListener('submit', start);
  follow(); // a comparison started earlier (or from another page) shows at once
})();
