// Project distribution map (项目分布图): registers the locally stored district boundaries with ECharts, then
// draws the option passed as JSON in a <script type="application/json"> element (CSP: no inline scripts).
(function () {
  "use strict";
  // The tooltip's words come translated with each district (selectors.map_option), none are written here.
  function tooltip(params) {
    var d = params.data || {};
    var esc = window.echarts.format.encodeHTML;
    return esc(params.name) + (d.tip ? "<br>" + esc(d.tip) : "");
  }
  // labelLayout takes no per-item values: each district's labelShift (pixels) becomes its dx/dy here, and
  // hideOverlap still hides what overlaps after the shift.
  function shiftLabels(series) {
    var base = series.labelLayout;
    if (!base) { return; }
    series.labelLayout = function (params) {
      var d = series.data[params.dataIndex] || {};
      var shift = d.labelShift || [0, 0];
      return Object.assign({}, base, {dx: shift[0], dy: shift[1]});
    };
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
        (option.series || []).forEach(shiftLabels);
        var chart = window.echarts.init(el);
        chart.setOption(option);
        chart.on("click", function (params) {
          var url = el.dataset.districtUrl;
          if (url && params.data && /^\d+$/.test(params.data.code)) { window.location.href = url.replace("000000", params.data.code); }
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.dataset.ready = "1";
      })
      .catch(function () { el.textContent = el.dataset.error || ""; });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".project-map[data-map]").forEach(draw);
  });
})();
