// Chain map page: ECharts graph from the JSON option, click → segment panel (htmx), search → highlight.
(function () {
  var COLOURS = {"优势": "#2fb344", "薄弱": "#f59f00", "缺失": "#adb5bd", "卡脖子": "#d63939"};
  function paintBadges(root) {
    (root || document).querySelectorAll("[data-colour]").forEach(function (el) {
      var c = COLOURS[el.dataset.colour];
      if (!c) { return; }
      if (el.classList.contains("status-dot")) { el.style.background = c; } else { el.style.background = c; el.style.color = "#fff"; }
    });
  }
  function openPanel(url, key) {
    if (window.htmx) { window.htmx.ajax("GET", url + "?key=" + encodeURIComponent(key), {target: "#segment-panel", swap: "outerHTML"}); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    paintBadges();
    var el = document.getElementById("chain-map");
    if (!el || !window.echarts) { return; }
    var option = JSON.parse(document.getElementById(el.dataset.map).textContent);
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    chart.on("click", function (params) {
      if (params.dataType === "node") { openPanel(el.dataset.panelUrl, params.data.id); }
    });
    document.querySelectorAll(".segment-link").forEach(function (a) {
      a.addEventListener("click", function (evt) { evt.preventDefault(); openPanel(el.dataset.panelUrl, a.dataset.key); });
    });
    var search = document.getElementById("map-search");
    if (search) {
      search.addEventListener("input", function () {
        var q = search.value.trim();
        chart.dispatchAction({type: "downplay", seriesIndex: 0});
        if (!q) { return; }
        option.series[0].data.forEach(function (node, i) {
          if (node.name.indexOf(q) >= 0) { chart.dispatchAction({type: "highlight", seriesIndex: 0, dataIndex: i}); }
        });
      });
    }
  });
  document.addEventListener("htmx:afterSwap", function (evt) { paintBadges(evt.target.parentNode || evt.target); });
})();
