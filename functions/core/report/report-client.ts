/** The report's only script besides uPlot: draws the charts from the embedded JSON.
 * Kept as plain ES2017 source (not compiled TS) so that what ships is what is read here. */
export const REPORT_CLIENT_JS = `(function () {
  'use strict';
  var HEIGHT = 260;
  var dataEl = document.getElementById('report-data');
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  function num(v) {
    var a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString('en');
    if (a >= 100) return String(Math.round(v));
    return String(Math.round(v * 100) / 100);
  }
  var FORMAT = {
    'per-second': function (v) { return num(v) + '/s'; },
    count: num,
    percent: function (v) { return num(v) + '%'; },
    ms: function (v) { return Math.abs(v) >= 1000 ? num(v / 1000) + ' s' : num(v) + ' ms'; },
    bytes: function (v) {
      var u = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0;
      while (Math.abs(v) >= 1000 && i < u.length - 1) { v /= 1000; i++; }
      return num(v) + ' ' + u[i];
    }
  };
  function zeroBased(u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; }
  function elapsed(s) {
    var t = Math.round(s), m = Math.floor(t / 60), r = t % 60;
    return m > 0 ? m + 'm' + (r < 10 ? '0' : '') + r + 's' : t + 's';
  }
  function orDash(f) { return function (u, v) { return v == null ? '\\u2014' : f(v); }; }
  var AXIS = { stroke: '#374151', grid: { stroke: '#e5e7eb', width: 1 }, ticks: { stroke: '#d1d5db', width: 1 } };
  function axis(extra) { var a = {}; for (var k in AXIS) a[k] = AXIS[k]; for (var j in extra) a[j] = extra[j]; return a; }
  function widthOf(el) { return Math.max(280, el.clientWidth || 600); }
  if (typeof uPlot === 'undefined') {
    document.documentElement.setAttribute('data-charts', 'unavailable');
    return;
  }
  var plots = [];
  data.charts.forEach(function (chart) {
    var el = document.querySelector('[data-chart="' + chart.id + '"] .chart-canvas');
    if (!el) return;
    var fmt = FORMAT[chart.unit] || num;
    var series = [{ label: 'elapsed', value: orDash(elapsed) }];
    var fmt2 = FORMAT[chart.y2Unit] || num;
    chart.series.forEach(function (s) {
      var opts = { label: s.label, stroke: s.colour, width: s.width, points: { show: false }, value: orDash(s.axis === 2 ? fmt2 : fmt) };
      if (s.dash) opts.dash = s.dash;
      if (s.axis === 2) opts.scale = 'y2';
      series.push(opts);
    });
    var scales = { x: { time: false }, y: { range: zeroBased } };
    var axes = [
      axis({ values: function (u, splits) { return splits.map(elapsed); } }),
      axis({ size: 72, values: function (u, splits) { return splits.map(fmt); } })
    ];
    if (chart.y2Unit) {
      scales.y2 = { range: zeroBased };
      axes.push(axis({ scale: 'y2', side: 1, size: 72, grid: { show: false }, values: function (u, splits) { return splits.map(fmt2); } }));
    }
    var plot = new uPlot({
      width: widthOf(el),
      height: HEIGHT,
      scales: scales,
      axes: axes,
      series: series,
      cursor: { drag: { x: true, y: false } }
    }, [chart.x].concat(chart.series.map(function (s) { return s.values; })), el);
    plots.push({ plot: plot, el: el });
  });
  var frame = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: widthOf(p.el), height: HEIGHT }); });
    });
  });
  document.documentElement.setAttribute('data-charts', 'ready');
})();`;
