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
