// The dashboard's charts: the data comes from the page (json_script "insights-charts"); each chart
// spec is turned into an ECharts option. Bars with area codes drill down on click. Charts resize
// with the window (phones).
(function () {
  "use strict";
  var charts = [];

  // Draw the charts under ``root`` (the page, or a part the page fetched) that are not drawn yet.
  function start(root) {
    var script = document.getElementById("insights-script");
    if (typeof echarts === "undefined" || !script) { return; }
    var byId = {};
    root.querySelectorAll('script[type="application/json"][id^="insights-charts"]').forEach(function (source) {
      JSON.parse(source.textContent).forEach(function (s) { byId[s.id] = s; });
    });
    root.querySelectorAll(".insights-chart:not([data-rendered])").forEach(function (el) {
      var spec = byId[el.getAttribute("data-chart")];
      if (!spec) { return; }
      if (empty(spec)) {
        el.style.height = "auto";
        el.className += " text-secondary";
        el.textContent = el.getAttribute("data-empty") || "—";
        el.setAttribute("data-rendered", "empty");
        return;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      if (spec.codes && spec.codes.length) {
        chart.on("click", function (params) {
          var code = spec.codes[params.dataIndex];
          if (code) {
            window.location.href = script.getAttribute("data-url") + "?area=" + encodeURIComponent(code) +
              "&year=" + encodeURIComponent(script.getAttribute("data-year"));
          }
        });
      }
      el.setAttribute("data-rendered", "1");
      charts.push(chart);
    });
  }

  function empty(spec) {
    if (spec.kind === "pie") { return !spec.data.length; }
    return !spec.categories.length || spec.series.every(function (s) {
      return s.data.every(function (v) { return v === null; });
    });
  }

  function option(spec) {
    var narrow = window.innerWidth < 576;
    if (spec.kind === "pie") {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: narrow ? ["30%", "60%"] : ["35%", "65%"], data: spec.data,
                   label: { formatter: "{b}\n{d}%" } }]
      };
    }
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : (spec.categories.length > 6 ? 40 : 0) } };
    var value = { type: "value", axisLabel: { formatter: "{value}" + (spec.unit || "") } };
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map(function (s) {
        return { type: "bar", name: s.name, data: s.data, barMaxWidth: 56, label: { show: !narrow && spec.categories.length <= 8, position: spec.horizontal ? "right" : "top" } };
      })
    };
  }

  function init() {
    start(document);
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    // htmx swaps in the parts (八个一, training, housing, funds) when they arrive
    document.body.addEventListener("htmx:load", function (event) { start(event.detail.elt); });
    document.body.addEventListener("htmx:responseError", function (event) {
      var box = event.detail.elt;
      if (!box.classList || !box.classList.contains("insights-loading")) { return; }
      box.querySelector(".insights-loading-text").classList.add("d-none");
      box.querySelector(".insights-retry").classList.remove("d-none");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
