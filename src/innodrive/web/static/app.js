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
  function drawCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("div.chart[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) { return; }
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option, true);
      el.setAttribute("data-points", String(option.__points || 0));
      el.setAttribute("data-ready", "1");
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
