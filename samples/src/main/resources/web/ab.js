// A/B page: polls {prefix}/stats once a second and charts each transport side by side.
// Self-contained (canvas drawing written here; no libraries). ?prefix=/bridge changes the bridge prefix.
(function () {
  'use strict';
  var prefix = new URLSearchParams(location.search).get('prefix') || '/bridge';
  var url = prefix + '/stats?sessions=0';
  document.getElementById('src').textContent = prefix + '/stats';

  var KINDS = ['websocket', 'polling'];
  var COLORS = { websocket: '#2b6cb0', polling: '#dd6b20' };
  var WINDOW = 120; // seconds on screen
  var series = {}; // chart id -> { websocket: [..], polling: [..] }
  var charts = ['rate', 'bpm', 'rtt', 'rpm', 'bps', 'sessions'];
  charts.forEach(function (c) { series[c] = { websocket: [], polling: [] }; });
  var previous = null;

  function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }

  function push(chart, kind, value) {
    var s = series[chart][kind];
    s.push(num(value));
    if (s.length > WINDOW) s.shift();
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return v.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  function sample(stats) {
    var now = performance.now();
    if (previous) {
      var secs = (now - previous.at) / 1000;
      KINDS.forEach(function (k) {
        var a = previous.stats.transports[k], b = stats.transports[k];
        var msgs = (b.messagesIn - a.messagesIn) + (b.messagesOut - a.messagesOut);
        var wire = (b.wireBytesIn - a.wireBytesIn) + (b.wireBytesOut - a.wireBytesOut);
        var reqs = b.httpRequests - a.httpRequests;
        var rttN = b.rttSamples - a.rttSamples;
        push('rate', k, msgs / secs);
        push('bpm', k, msgs > 0 ? wire / msgs : null);
        push('rtt', k, rttN > 0 ? (b.rttNanosTotal - a.rttNanosTotal) / rttN / 1e6 : null);
        push('rpm', k, msgs > 0 ? reqs / msgs : null);
        push('bps', k, wire / secs);
        push('sessions', k, b.sessions);
      });
      var cpu = (stats.process.cpuNanos - previous.stats.process.cpuNanos) / 1e7 / secs;
      document.getElementById('cpu').textContent = fmt(cpu, 0) + ' % of one core';
      renderNow();
      charts.forEach(draw);
    }
    renderTotals(stats);
    renderCohorts(stats);
    previous = { at: now, stats: stats };
  }

  function last(chart, kind) {
    var s = series[chart][kind];
    for (var i = s.length - 1; i >= 0; i--) if (s[i] !== null) return s[i];
    return null;
  }

  function renderNow() {
    var digits = { rate: 0, bpm: 0, rtt: 2, rpm: 2, bps: 0, sessions: 0 };
    charts.forEach(function (c) {
      document.getElementById('now-' + c).textContent =
        'websocket ' + fmt(last(c, 'websocket'), digits[c]) + ' · polling ' + fmt(last(c, 'polling'), digits[c]);
    });
  }

  function renderTotals(stats) {
    var rows = [
      ['messages in', 'messagesIn'], ['messages out', 'messagesOut'],
      ['payload bytes in', 'payloadBytesIn'], ['payload bytes out', 'payloadBytesOut'],
      ['wire bytes in', 'wireBytesIn'], ['wire bytes out', 'wireBytesOut'],
      ['HTTP requests', 'httpRequests'], ['frames in', 'framesIn'], ['frames out', 'framesOut'],
      ['attaches', 'attaches'], ['round-trip samples', 'rttSamples']
    ];
    var body = document.querySelector('#totals tbody');
    body.textContent = '';
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      var td = document.createElement('td');
      td.textContent = r[0];
      tr.appendChild(td);
      KINDS.forEach(function (k) {
        var cell = document.createElement('td');
        cell.textContent = fmt(stats.transports[k][r[1]], 0);
        tr.appendChild(cell);
      });
      body.appendChild(tr);
    });
    var tr = document.createElement('tr');
    ['wire bytes per message (all time)'].concat(KINDS.map(function (k) {
      var t = stats.transports[k], m = t.messagesIn + t.messagesOut;
      return m > 0 ? fmt((t.wireBytesIn + t.wireBytesOut) / m, 1) : '–';
    })).forEach(function (text) {
      var td = document.createElement('td');
      td.textContent = text;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }

  // The two cohorts side by side: each cohort's sessions summed over the native transports.
  function renderCohorts(stats) {
    var cohorts = stats.cohorts;
    if (!cohorts) return;
    var share = stats.abPollingShare || 0;
    document.getElementById('cohort-note').textContent = share > 0
      ? 'The server puts ' + fmt(share * 100, 1) + ' % of new sessions in the polling cohort (they never use WebSocket); the rest are the control cohort.'
      : 'No split: every session is in the control cohort. Start the server with --ab-polling-share 0.1 to split.';
    function sum(c, field) { return (c.websocket[field] || 0) + (c.polling[field] || 0); }
    function per(c, a, b, scale) { var d = b(c); return d > 0 ? a(c) * (scale || 1) / d : null; }
    var msgs = function (c) { return sum(c, 'messagesIn') + sum(c, 'messagesOut'); };
    var rows = [
      ['live sessions', function (c) { return fmt(c.sessions, 0); }],
      ['messages (in + out)', function (c) { return fmt(msgs(c), 0); }],
      ['wire bytes (in + out)', function (c) { return fmt(sum(c, 'wireBytesIn') + sum(c, 'wireBytesOut'), 0); }],
      ['wire bytes per message', function (c) { return fmt(per(c, function (x) { return sum(x, 'wireBytesIn') + sum(x, 'wireBytesOut'); }, msgs), 1); }],
      ['HTTP requests per message', function (c) { return fmt(per(c, function (x) { return sum(x, 'httpRequests'); }, msgs), 2); }],
      ['mean round trip (ms)', function (c) { return fmt(per(c, function (x) { return sum(x, 'rttNanosTotal'); }, function (x) { return sum(x, 'rttSamples'); }, 1e-6), 2); }],
      ['session CPU per message (µs, sampled)', function (c) { return fmt(per(c, function (x) { return sum(x, 'cpuNanos'); }, msgs, 1e-3), 1); }]
    ];
    var body = document.querySelector('#cohorts tbody');
    body.textContent = '';
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      [r[0], r[1](cohorts.control), r[1](cohorts.polling)].forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function draw(chart) {
    var canvas = document.getElementById('c-' + chart);
    var dpr = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    var g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    var max = 0;
    KINDS.forEach(function (k) { series[chart][k].forEach(function (v) { if (v !== null && v > max) max = v; }); });
    max = niceMax(max);
    var left = 48, right = 6, top = 6, bottom = 16;
    var pw = w - left - right, ph = h - top - bottom;
    g.strokeStyle = '#eee'; g.fillStyle = '#888'; g.font = '10px system-ui, sans-serif'; g.lineWidth = 1;
    for (var i = 0; i <= 4; i++) {
      var y = top + ph - ph * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(left + pw, y); g.stroke();
      g.fillText(shortNum(max * i / 4), 2, y + 3);
    }
    g.fillText('-' + WINDOW + ' s', left, h - 3);
    g.fillText('now', left + pw - 20, h - 3);
    KINDS.forEach(function (k) {
      var s = series[chart][k];
      g.strokeStyle = COLORS[k]; g.lineWidth = 2; g.beginPath();
      var pen = false;
      for (var i = 0; i < s.length; i++) {
        if (s[i] === null) { pen = false; continue; }
        var x = left + pw * (WINDOW - s.length + i) / (WINDOW - 1);
        var y = top + ph - (max > 0 ? ph * s[i] / max : 0);
        if (pen) g.lineTo(x, y); else g.moveTo(x, y);
        pen = true;
      }
      g.stroke();
    });
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  function shortNum(v) {
    if (v >= 1e9) return (v / 1e9).toFixed(1) + 'G';
    if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (v >= 1e3) return (v / 1e3).toFixed(1) + 'k';
    return v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(2);
  }

  // A stats token (--stats-token-file) goes in the page's fragment, ab.html#token=..., which the
  // browser never sends to a server; the page sends it as a bearer token.
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var headers = token ? { Authorization: 'Bearer ' + token } : {};
  var WHY = {
    404: 'statistics are off: start the server with --stats',
    401: 'statistics need the token: open this page as ab.html#token=TOKEN'
  };

  var status = document.getElementById('status');
  function poll() {
    fetch(url, { cache: 'no-store', headers: headers })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status + (WHY[r.status] ? ' (' + WHY[r.status] + ')' : '')); return r.json(); })
      .then(function (stats) {
        status.textContent = 'updated ' + new Date(stats.time).toLocaleTimeString();
        status.className = '';
        sample(stats);
      })
      .catch(function (e) {
        status.textContent = 'cannot read ' + url + ': ' + e.message;
        status.className = 'error';
      })
      .then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
