// innodrive workbench: small behaviours on top of htmx. No inline scripts (the CSP allows only our files).
(function () {
  "use strict";
  // A new request clears the previous error message.
  document.addEventListener("htmx:beforeRequest", function () {
    var flash = document.getElementById("flash");
    if (flash) { flash.innerHTML = ""; }
  });
  // A network failure or a response htmx cannot use still tells the person something.
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) { flash.innerHTML = '<div class="notice error"><strong>出错了：</strong>无法连接服务器，请检查网络后重试。</div>'; }
  });
  // Charts: every <div class="chart" data-chart="ID"> draws the JSON in <script type="application/json" id="ID">.
  function escapeHtml(text) {
    return String(text === null || text === undefined ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  // Options are JSON (no functions): a few markers ask for behaviour only a script can give.
  function behave(option, chart) {
    if (option.__region_labels) {  // maps keyed by region code: show names, values and reasons
      option.series.forEach(function (s) {
        s.label = s.label || {};
        s.label.formatter = function (p) { return (p.data && p.data.label_text) || p.name; };
      });
      option.tooltip.formatter = function (p) {
        var d = p.data || {};
        var head = "<b>" + escapeHtml(d.label_text || p.name) + "</b><br>";
        if (d.value === null || d.value === undefined) { return head + "无数据：" + escapeHtml(d.missing || ""); }
        return head + escapeHtml(d.text) + (d.rank ? "（第 " + d.rank + " 名）" : "");
      };
    }
    if (option.__category_names) {  // category axes keyed by region code (two 区县 share a name)
      var names = option.__category_names;
      var axis = option.yAxis.type === "category" ? option.yAxis : option.xAxis;
      axis.axisLabel = axis.axisLabel || {};
      axis.axisLabel.formatter = function (code) { return names[code] || code; };
    }
    if (option.__tooltip_text) {  // tree and graph nodes carry their own tooltip text
      option.tooltip.formatter = function (p) { return escapeHtml((p.data && p.data.tip) || p.name).replace(/\n/g, "<br>"); };
    }
    chart.off("click");
    chart.on("click", function (p) {
      if (p.data && p.data.link) { window.location.href = p.data.link; }
    });
  }
  var maps = {};
  function withMap(el, then) {
    var name = el.getAttribute("data-map"), url = el.getAttribute("data-map-url");
    if (!name || !url || maps[name]) { then(); return; }
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (geo) {
      window.echarts.registerMap(name, geo);
      maps[name] = true;
      then();
    }).catch(function () {
      el.innerHTML = '<p class="empty">地图边界数据加载失败，请刷新页面；下表数据不受影响。</p>';
      el.setAttribute("data-ready", "error");
    });
  }
  function drawCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      withMap(el, function () {
        var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
        behave(option, chart);
        chart.setOption(option, true);
        el.setAttribute("data-points", String(option.__points || 0));
        el.setAttribute("data-ready", "1");
      });
    });
  }
  window.innodriveDrawCharts = drawCharts;
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
  window.addEventListener("resize", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) { c.resize(); }
    });
  });
})();
// The document view: selecting words fills the "add a missed target" form with their
// offsets into the original text (every run of text carries its start offset in data-o);
// clicking a highlighted target opens its card.
(function () {
  "use strict";
  function offsetOf(node, offset) {
    var el = node.nodeType === 3 ? node.parentElement : node;
    while (el && !el.hasAttribute("data-o")) { el = el.parentElement; }
    if (!el) { return null; }
    return parseInt(el.getAttribute("data-o"), 10) + (node.nodeType === 3 ? offset : 0);
  }
  document.addEventListener("mouseup", function () {
    var doc = document.getElementById("doc"), form = document.getElementById("add-target");
    if (!doc || !form) { return; }
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !doc.contains(sel.anchorNode) || !doc.contains(sel.focusNode)) { return; }
    var range = sel.getRangeAt(0);
    var start = offsetOf(range.startContainer, range.startOffset), end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) { return; }
    form.elements.start.value = String(start);
    form.elements.end.value = String(end);
    var words = sel.toString();
    form.querySelector("[data-testid=selected]").textContent = words;
    if (!form.elements.indicator.value) { form.elements.indicator.value = words.slice(0, 60); }
    form.hidden = false;
  });
  document.addEventListener("click", function (e) {
    var mark = e.target.closest ? e.target.closest("mark[data-target]") : null;
    if (!mark) { return; }
    var card = document.getElementById("t-" + mark.getAttribute("data-target"));
    if (card) { card.scrollIntoView({ block: "center" }); var d = card.querySelector("details"); if (d) { d.open = true; } }
  });
})();
