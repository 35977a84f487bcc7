// The Fabstir node page: renders /dashboard/snapshot, then every snapshot pushed on /dashboard/events.
// Values are written with textContent only, so nothing from the node is ever parsed as HTML.
// When the node asks for its credential (401), the page asks for it, keeps it in this tab (sessionStorage) and
// sends it as an Authorization header; the stream is read with fetch for that reason (EventSource sends no headers).
(function () {
  'use strict';
  var current = 0;       // seq of the snapshot on screen
  var updates = 0;       // pushed snapshots rendered
  var jobsChart = null, resourceChart = null;
  var auth = sessionStorage.getItem('fabstir.dashboard.auth');
  var streaming = null;  // AbortController of the open stream

  function field(name) { return document.querySelector('[data-field="' + name + '"]'); }
  function set(name, text) { var e = field(name); if (e) e.textContent = text; }
  function num(v, digits) { return v === null || v === undefined ? '–' : v.toFixed(digits); }
  function bytes(n) {
    if (n === null || n === undefined) return '–';
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return n.toFixed(i === 0 ? 0 : 1) + ' ' + units[i];
  }
  function duration(s) {
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    return (d ? d + 'd ' : '') + (d || h ? h + 'h ' : '') + (d || h || m ? m + 'm ' : '') + sec + 's';
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(s) {
    if (!s || !s.seq || s.seq <= current) return false;
    current = s.seq;
    set('node.id', s.node.id || '');
    var status = field('status');
    status.textContent = s.status;
    status.className = 'status ' + s.status;
    set('uptime', duration(s.uptimeSeconds));
    set('node.version', s.node.version || 'not set');
    set('node.service', (s.node.service || '') + (s.node.agentVersion ? ' · agent ' + s.node.agentVersion : ''));
    set('jobs.active', String(s.jobs.active));
    set('jobs.completed', String(s.jobs.completed));
    set('jobs.failed', String(s.jobs.failed));
    set('jobs.successRate', s.jobs.successRate === null ? '–' : (s.jobs.successRate * 100).toFixed(1) + ' %');
    var tokens = Object.keys(s.earningsEth);
    set('earnings', tokens.length ? tokens.map(function (t) { return s.earningsEth[t].toFixed(6) + ' ' + t; }).join(', ') : '–');
    set('staking', s.stakingBalanceEth === null ? '–' : s.stakingBalanceEth.toFixed(4) + ' ETH');
    set('reputation', num(s.reputation, 3));
    set('heap', bytes(s.jvm.heapUsedBytes) + ' / ' + bytes(s.jvm.heapMaxBytes));
    set('cpu', s.jvm.cpuPercent === null ? '' : 'process CPU ' + s.jvm.cpuPercent.toFixed(0) + ' %');
    var disk = s.disks.length ? s.disks[0] : null;
    set('disk', disk && disk.freeBytes !== undefined ? bytes(disk.freeBytes) + ' (' + (disk.freeRatio * 100).toFixed(0) + ' %)' : '–');
    set('disk.path', disk ? disk.path + (s.disks.length > 1 ? ' (+' + (s.disks.length - 1) + ')' : '') : '');
    set('time', new Date(s.timeMillis).toLocaleTimeString());
    set('interval', (s.intervalMillis / 1000) + ' s');
    renderChecks(s.checks);
    renderGpus(s.gpu);
    renderCharts(s.history);
    renderEvents(s.events);
    renderAlerts(s.alerts);
    document.body.dataset.seq = String(s.seq);
    return true;
  }

  function renderChecks(checks) {
    var ul = document.getElementById('checks');
    ul.replaceChildren();
    Object.keys(checks).forEach(function (name) {
      var li = el('li', checks[name], name + ': ' + checks[name]);
      li.dataset.check = name;
      ul.appendChild(li);
    });
  }

  function renderGpus(gpu) {
    var box = document.getElementById('gpus');
    box.replaceChildren();
    if (!gpu.present) {
      var card = el('div', 'card nogpu');
      card.appendChild(el('h2', null, 'GPU'));
      var v = el('div', 'value', gpu.state === 'probing' ? 'probing…' : 'no GPU');
      v.dataset.field = 'gpu.none';
      card.appendChild(v);
      card.appendChild(el('div', 'sub', gpu.problem || ''));
      box.appendChild(card);
      return;
    }
    gpu.devices.forEach(function (d) {
      var card = el('div', 'card gpu');
      card.dataset.gpu = String(d.index);
      card.appendChild(el('h2', null, 'GPU ' + d.index + ' · ' + d.name));
      var util = el('div', 'value', d.utilizationPercent.toFixed(0) + ' % util');
      var memory = el('div', 'sub', 'memory ' + bytes(d.memoryUsedBytes) + ' / ' + bytes(d.memoryTotalBytes));
      var temperature = el('span', null, d.temperatureCelsius.toFixed(0) + ' °C');
      var power = el('span', null, d.powerWatts.toFixed(0) + ' W');
      util.dataset.gpuField = 'util';
      memory.dataset.gpuField = 'memory';
      temperature.dataset.gpuField = 'temperature';
      power.dataset.gpuField = 'power';
      var thermal = el('div', 'sub');
      thermal.append(temperature, ' · ', power);
      card.append(util, memory, thermal);
      box.appendChild(card);
    });
  }

  function chartOpts(el, series, yLabel) {
    var width = Math.max(320, el.clientWidth || 480);
    return {
      width: width, height: 220,
      scales: { x: { time: true } },
      series: [{}].concat(series),
      axes: [{}, { label: yLabel, size: 50 }],
      legend: { live: false }
    };
  }

  function renderCharts(h) {
    var x = h.t.map(function (t) { return t / 1000; });
    var jobs = [x, h.completedPerMin, h.failedPerMin];
    var res = [x, h.cpuPercent, h.heapPercent, h.gpuUtilPercent, h.gpuMemPercent];
    if (typeof uPlot === 'undefined') return; // the chart library failed to load; the cards still work
    if (!jobsChart) {
      var je = document.getElementById('jobs-chart'), re = document.getElementById('resource-chart');
      jobsChart = new uPlot(chartOpts(je, [
        { label: 'completed', stroke: '#2e7d32', width: 2, fill: 'rgba(46,125,50,.08)' },
        { label: 'failed', stroke: '#c62828', width: 2, fill: 'rgba(198,40,40,.08)' }], 'jobs/min'), jobs, je);
      resourceChart = new uPlot(chartOpts(re, [
        { label: 'CPU', stroke: '#1565c0', width: 2 },
        { label: 'heap', stroke: '#6a1b9a', width: 2 },
        { label: 'GPU util', stroke: '#ef6c00', width: 2 },
        { label: 'GPU memory', stroke: '#00897b', width: 2 }], '%'), res, re);
    } else {
      jobsChart.setData(jobs);
      resourceChart.setData(res);
    }
  }

  function renderEvents(events) {
    var body = document.getElementById('events');
    body.replaceChildren();
    document.getElementById('no-events').hidden = events.length > 0;
    events.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(el('td', null, new Date(e.time).toLocaleTimeString()));
      var kind = el('td');
      kind.appendChild(el('span', 'kind ' + e.kind, e.kind));
      tr.appendChild(kind);
      tr.appendChild(el('td', null, e.title));
      tr.appendChild(el('td', null, e.detail || ''));
      var trace = el('td', 'trace');
      if (e.traceUrl) {
        var a = el('a', null, e.traceId);
        a.href = e.traceUrl;
        a.target = '_blank';
        a.rel = 'noopener';
        trace.appendChild(a);
      } else {
        trace.textContent = e.traceId || '';
      }
      tr.appendChild(trace);
      body.appendChild(tr);
    });
  }

  function renderAlerts(a) {
    var body = document.getElementById('alerts');
    var note = document.getElementById('alerts-note');
    body.replaceChildren();
    if (!a || !a.configured) {
      document.getElementById('alerts-source').textContent = '';
      note.textContent = 'not configured (fabstir.dashboard.alertmanager.url)';
      note.hidden = false;
      return;
    }
    document.getElementById('alerts-source').textContent = 'from ' + a.url + (a.filter ? ' · ' + a.filter : '');
    var rows = a.firing.concat(a.resolved);
    rows.forEach(function (x) {
      var tr = el('tr');
      tr.dataset.alert = x.name;
      tr.dataset.state = x.state;
      var state = el('td');
      state.appendChild(el('span', 'kind ' + x.state, x.state));
      tr.appendChild(state);
      tr.appendChild(el('td', null, x.severity || ''));
      tr.appendChild(el('td', null, x.name));
      tr.appendChild(el('td', null, x.instance || ''));
      tr.appendChild(el('td', null, x.summary || ''));
      tr.appendChild(el('td', null, x.startsAt ? new Date(x.startsAt).toLocaleTimeString() : ''));
      tr.appendChild(el('td', null, x.endedAt ? new Date(x.endedAt).toLocaleTimeString() : ''));
      body.appendChild(tr);
    });
    note.hidden = rows.length > 0 && !a.error;
    note.textContent = a.error ? a.error : 'No alerts firing or resolved in the last hour.';
  }

  function headers() {
    var h = { 'X-Fabstir-Dashboard': '1' };
    if (auth) h.Authorization = auth;
    return h;
  }

  function askForCredential(schemes) {
    if (streaming) streaming.abort();
    document.getElementById('main').hidden = true;
    var form = document.getElementById('login');
    form.hidden = false;
    var basic = String(schemes || '').indexOf('Basic') >= 0, bearer = String(schemes || 'Bearer').indexOf('Bearer') >= 0;
    document.getElementById('login-token').hidden = !bearer;
    document.getElementById('login-user').hidden = !basic;
    document.getElementById('login-password').hidden = !basic;
    document.getElementById('login-error').textContent = auth ? 'That credential was not accepted.' : '';
    document.getElementById('live').textContent = 'credential needed';
  }

  document.getElementById('login').addEventListener('submit', function (e) {
    e.preventDefault();
    var token = document.getElementById('token').value.trim();
    var user = document.getElementById('user').value;
    if (token) {
      auth = 'Bearer ' + token;
    } else {
      // btoa takes Latin-1 only: encode the UTF-8 bytes first
      auth = 'Basic ' + btoa(String.fromCharCode.apply(null,
        new TextEncoder().encode(user + ':' + document.getElementById('password').value)));
    }
    sessionStorage.setItem('fabstir.dashboard.auth', auth);
    document.getElementById('login').hidden = true;
    document.getElementById('main').hidden = false;
    start();
  });

  function refused(r) {
    if (r.status !== 401) return false;
    r.json().then(function (b) { askForCredential(b.schemes); }, function () { askForCredential(null); });
    return true;
  }

  var live = document.getElementById('live');
  function pushed(data) {
    if (render(JSON.parse(data))) {
      updates++;
      document.body.dataset.updates = String(updates);
      live.textContent = 'live · ' + updates + ' updates';
    }
  }

  // Server-Sent Events over fetch: frames end with a blank line; "data:" lines carry the snapshot.
  function stream() {
    var controller = new AbortController();
    streaming = controller;
    fetch('events', { cache: 'no-store', headers: headers(), signal: controller.signal }).then(function (r) {
      if (refused(r)) return;
      if (!r.ok || !r.body) throw new Error('stream answered ' + r.status);
      live.textContent = 'live';
      var reader = r.body.getReader(), decoder = new TextDecoder(), buffer = '';
      function next() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('stream closed');
          buffer += decoder.decode(chunk.value, { stream: true });
          var end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            var frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            var data = frame.split('\n').filter(function (l) { return l.indexOf('data: ') === 0; })
              .map(function (l) { return l.slice(6); }).join('\n');
            if (data) pushed(data);
          }
          return next();
        });
      }
      return next();
    }).catch(function () {
      if (controller.signal.aborted) return;
      live.textContent = 'reconnecting…';
      setTimeout(function () { if (streaming === controller) stream(); }, 2000);
    });
  }

  function start() {
    fetch('snapshot', { cache: 'no-store', headers: headers() }).then(function (r) {
      if (refused(r)) return;
      if (r.ok) r.json().then(render);
      stream();
    }, function () { setTimeout(start, 2000); });
  }
  start();
})();
