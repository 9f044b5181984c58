// Send the CSRF token with every htmx request (SECURITY.md CF3); no inline scripts anywhere (CSP).
document.addEventListener("htmx:configRequest", function (evt) {
  evt.detail.headers["X-CSRFToken"] = document.body.dataset.csrf;
});
// Confirm buttons marked data-confirm.
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) { evt.preventDefault(); }
});
// Charts: any element with data-chart holds its ECharts option as JSON in a <script type="application/json"> sibling.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var src = document.getElementById(el.dataset.chart);
    if (!src) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(JSON.parse(src.textContent));
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
// Progress bars: width from data-progress (no inline styles under CSP), also after htmx swaps.
function chainleaderProgress(root) {
  (root || document).querySelectorAll("[data-progress]").forEach(function (el) {
    el.style.width = el.dataset.progress + "%";
  });
}
document.addEventListener("DOMContentLoaded", function () { chainleaderProgress(); });
document.addEventListener("htmx:afterSwap", function (evt) { chainleaderProgress(evt.target.parentNode || evt.target); });
// Error pages: "back" goes to the previous page when there is one (the link's href is the home page otherwise).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a.back-link").forEach(function (a) {
    a.addEventListener("click", function (evt) {
      if (window.history.length > 1) { evt.preventDefault(); window.history.back(); }
    });
  });
});
