// Project distribution map (项目分布图): registers the locally stored district boundaries with ECharts, then
// draws the option passed as JSON in a <script type="application/json"> element (CSP: no inline scripts).
(function () {
  "use strict";
  function tooltip(params) {
    var d = params.data || {};
    var esc = window.echarts.format.encodeHTML;
    return esc(params.name) + "<br>" + esc(String(d.value !== undefined ? d.value : 0)) + " 亿元 · " +
      esc(String(d.count || 0)) + " 个项目" + (d.lagging ? " · 滞后 " + esc(String(d.lagging)) : "");
  }
  function draw(el) {
    var src = document.getElementById(el.dataset.option);
    if (!src || !window.echarts) { return; }
    el.style.width = "100%";
    el.style.height = (parseInt(el.dataset.height, 10) || 480) + "px";
    fetch(el.dataset.geo, { credentials: "same-origin" })
      .then(function (resp) { if (!resp.ok) { throw new Error(resp.status); } return resp.json(); })
      .then(function (geo) {
        window.echarts.registerMap(el.dataset.map, geo);
        var option = JSON.parse(src.textContent);
        option.tooltip = option.tooltip || {};
        option.tooltip.formatter = tooltip;
        var chart = window.echarts.init(el);
        chart.setOption(option);
        chart.on("click", function (params) {
          var url = el.dataset.districtUrl;
          if (url && params.data && /^\d+$/.test(params.data.code)) { window.location.href = url.replace("000000", params.data.code); }
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.dataset.ready = "1";
      })
      .catch(function () { el.textContent = el.dataset.error || "地图数据加载失败"; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".project-map[data-map]").forEach(draw);
  });
})();
