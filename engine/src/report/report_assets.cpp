// The report page's fixed CSS and script. The script only reads the JSON embedded in the page
// (#report-data); it never fetches anything.
#include <citycheck/engine/report/report_html.hpp>

namespace citycheck::engine::report {

const std::string& report_css() {
    static const std::string css = R"CSS(
body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC','Helvetica Neue',Arial,sans-serif;margin:0;color:#222;background:#f6f7f9;line-height:1.5}
header{background:#0b3d6b;color:#fff;padding:18px 32px}header h1{margin:0;font-size:26px}header p{margin:4px 0 0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #ddd;padding:8px 32px;position:sticky;top:0;z-index:2}nav a{margin-right:16px;color:#0b3d6b;text-decoration:none}
main{padding:8px 32px 48px;max-width:1400px}section{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:12px 20px;margin:16px 0}
h2{color:#0b3d6b;border-bottom:2px solid #0b3d6b;padding-bottom:4px}h3{color:#0b3d6b}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top}th{background:#eef2f6;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.st-m{background:#e5f5e0}.st-n{background:#fff3cd}.st-x{background:#fde0dd}.st-t,.st-d{background:#f2f2f2;color:#777}.st-f{background:#eee;color:#a00}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #dde;border-radius:6px;padding:10px 16px;min-width:120px;background:#fafbfc}
.card .big{font-size:28px;font-weight:bold;color:#0b3d6b}.card .lbl{color:#666;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin-top:16px}.note{color:#666;font-size:13px}.warn{color:#8a5300}
.mapbox{overflow-x:auto}.mapinfo{min-height:1.5em;font-size:13px;color:#333}
.zt-wrap{overflow-x:auto}.zt-ctl{margin:6px 0}.zt-ctl button{margin-right:6px}
details{margin:6px 0}summary{cursor:pointer;color:#0b3d6b}pre{background:#f6f8fa;padding:6px;overflow-x:auto;font-size:12px}
.method{border-top:1px solid #eee;padding-top:6px}
@media print{nav{display:none}section{break-inside:avoid}}
)CSS";
    return css;
}

const std::string& report_script() {
    static const std::string js = R"JS(
(function () {
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var T = D.t;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2014';
    var a = Math.abs(v);
    if (a >= 1e6 || (a > 0 && a < 1e-3)) return v.toPrecision(3);
    if (a >= 1000) return v.toFixed(0);
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toFixed(3);
  }
  function fmtScore(v) { return v === null || v === undefined ? '\u2014' : v.toFixed(1); }
  D.levels.forEach(function (L, k) {
    var svg = document.getElementById('map-' + k);
    var sel = document.getElementById('map-sel-' + k);
    if (svg && sel && L.cls) {
      var paths = svg.querySelectorAll('g.zones path');
      var legend = document.getElementById('map-legend-' + k);
      var info = document.getElementById('map-info-' + k);
      var note = document.getElementById('map-note-' + k);
      for (var z = 0; z < paths.length; z++) paths[z].setAttribute('data-i', String(z));
      var paint = function () {
        var i = +sel.value, cls = L.cls[i], pal = L.pal[i];
        for (var z = 0; z < paths.length; z++) {
          var c = cls.charAt(z);
          paths[z].setAttribute('fill', c === '-' ? D.nodata : pal[+c]);
        }
        legend.innerHTML = L.leg[i];
        note.textContent = D.ind[i].mapnote || '';
      };
      sel.addEventListener('change', paint);
      svg.addEventListener('mousemove', function (e) {
        var a = e.target && e.target.getAttribute ? e.target.getAttribute('data-i') : null;
        if (a === null) return;
        var i = +sel.value, z = +a;
        info.textContent = L.names[z] + ' (' + L.ids[z] + '): ' + fmt(L.v[i][z]) + ' ' + D.ind[i].unit + ' \u00b7 ' + D.st[L.st[i].charAt(z)];
      });
    }
    var box = document.getElementById('zt-' + k);
    if (!box) return;
    var page = 0, filter = '';
    var cols = [];
    D.ind.forEach(function (d, i) { if (!d.helper) cols.push(i); });
    var render = function () {
      var rows = [];
      for (var z = 0; z < L.ids.length; z++)
        if (!filter || L.ids[z].toLowerCase().indexOf(filter) >= 0 || L.names[z].toLowerCase().indexOf(filter) >= 0) rows.push(z);
      var pages = Math.max(1, Math.ceil(rows.length / D.page));
      if (page >= pages) page = pages - 1;
      var h = '<table class="zt"><thead><tr><th>' + esc(T.id) + '</th><th>' + esc(T.name) + '</th><th>' + esc(T.overall) + '</th><th>' + esc(T.grade) + '</th>';
      cols.forEach(function (i) {
        h += '<th><a href="#method-' + esc(D.ind[i].id) + '">' + esc(D.ind[i].name) + '</a><br><small>' + esc(D.ind[i].unit) + '</small></th>';
      });
      h += '</tr></thead><tbody>';
      rows.slice(page * D.page, (page + 1) * D.page).forEach(function (z) {
        h += '<tr><td>' + esc(L.ids[z]) + '</td><td>' + esc(L.names[z]) + '</td><td class="num">' + fmtScore(L.ov[z]) + '</td><td>' + esc(L.gr[z]) + '</td>';
        cols.forEach(function (i) {
          var v = L.v[i][z], s = L.st[i].charAt(z);
          h += '<td class="num st-' + s + '" title="' + esc(D.st[s]) + '" data-ind="' + esc(D.ind[i].id) + '" data-value="' + (v === null ? '' : v) + '">' + fmt(v) + '</td>';
        });
        h += '</tr>';
      });
      box.querySelector('.zt-body').innerHTML = h + '</tbody></table>';
      box.querySelector('.zt-page').textContent = (page + 1) + ' / ' + pages + ' \u00b7 ' + rows.length + ' ' + T.zones;
    };
    box.querySelector('.zt-prev').addEventListener('click', function () { if (page > 0) { page--; render(); } });
    box.querySelector('.zt-next').addEventListener('click', function () { page++; render(); });
    box.querySelector('.zt-filter').addEventListener('input', function (e) { filter = e.target.value.toLowerCase(); page = 0; render(); });
    render();
  });
  document.body.setAttribute('data-report-ready', '1');
})();
)JS";
    return js;
}

}  // namespace citycheck::engine::report
