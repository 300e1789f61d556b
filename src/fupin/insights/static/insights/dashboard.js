// The dashboard's charts: the data comes from the page (json_script "insights-charts"); each chart
// spec is turned into an ECharts option. Bars with area codes drill down on click. Charts resize
// with the window (phones).
(function () {
  "use strict";
  function start() {
    var source = document.getElementById("insights-charts");
    var script = document.getElementById("insights-script");
    if (!source || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(source.textContent);
    var byId = {};
    specs.forEach(function (s) { byId[s.id] = s; });
    var charts = [];
    document.querySelectorAll(".insights-chart").forEach(function (el) {
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
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  function empty(spec) {
    if (spec.kind === "pie") { return !spec.data.length; }
    return !spec.categories.length || spec.series.every(function (s) {
      return s.data.every(function (v) { return v === null || v === 0; });
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
        return { type: "bar", name: s.name, data: s.data, label: { show: !narrow && spec.categories.length <= 8, position: spec.horizontal ? "right" : "top" } };
      })
    };
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
