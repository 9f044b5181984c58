// Chain map page: ECharts graph from the JSON option, click a node or a tree row → segment panel (htmx),
// search → highlight. Colours come with the option and the page (chainmap/charts.py), none are set here.
(function () {
  // Status colours arrive as data attributes (the page has no inline styles under the CSP).
  function paint(root) {
    (root || document).querySelectorAll("[data-bg]").forEach(function (n) { n.style.background = n.dataset.bg; });
    (root || document).querySelectorAll("[data-fg]").forEach(function (n) { n.style.color = n.dataset.fg; });
  }
  document.addEventListener("htmx:afterSwap", function (evt) { paint(evt.target.parentNode || evt.target); });
  function openPanel(template, id) {
    var url = template.replace(/\/0\/$/, "/" + encodeURIComponent(id) + "/");
    if (window.htmx) { window.htmx.ajax("GET", url, {target: "#segment-panel", swap: "outerHTML"}); }
  }
  // The graph keeps its aspect (round nodes, rows as far apart as the width allows): the chart is as tall as the
  // tree at the scale its width gives, so nothing is squeezed, stretched or cut at the bottom.
  function fitHeight(el, option) {
    var s = option.series[0], xs = [], ys = [];
    s.data.forEach(function (n) { xs.push(n.x); ys.push(n.y); });
    if (!xs.length) { return; }
    var w = Math.max.apply(null, xs) - Math.min.apply(null, xs);
    var h = Math.max.apply(null, ys) - Math.min.apply(null, ys);
    var room = el.clientWidth - (s.left || 0) - (s.right || 0);
    var scale = w > 0 && room > 0 ? room / w : 1;
    el.style.height = Math.max(320, Math.round(h * scale + (s.top || 0) + (s.bottom || 0))) + "px";
  }
  document.addEventListener("DOMContentLoaded", function () {
    paint();
    var el = document.getElementById("chain-map");
    var template = el ? el.dataset.panelUrl : null;
    document.querySelectorAll(".segment-link").forEach(function (a) {
      a.addEventListener("click", function (evt) {
        evt.preventDefault();
        if (template) { openPanel(template, a.dataset.key); }
      });
    });
    if (!el || !window.echarts) { return; }
    var option = JSON.parse(document.getElementById(el.dataset.map).textContent);
    fitHeight(el, option);
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { fitHeight(el, option); chart.resize(); });
    chart.on("click", function (params) {
      if (params.dataType === "node") { openPanel(template, params.data.id); }
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
})();
