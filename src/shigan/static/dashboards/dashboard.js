/* The dashboard's charts: each <div class="chart" data-url data-kind> fetches its JSON and draws
   it with the vendored ECharts; a bar or slice opens the records behind it. */
(function () {
  "use strict";
  function draw(el, data) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var kind = el.dataset.kind;
    var option;
    if (kind === "line") {
      option = {
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "category", data: data.dates },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "line", showSymbol: false, data: s.data };
        })
      };
    } else if (kind === "pie") {
      option = {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], data: data.rows, label: { formatter: "{b} {c}" } }]
      };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        grid: { left: 120, right: 24, top: 8, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: data.rows.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: data.rows, label: { show: true, position: "right" } }]
      };
    }
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    el.dataset.ready = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function load(el) {
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var rows = data.rows || (data.series || []);
        if (!rows.length) { el.textContent = el.closest(".card").dataset.empty || "—"; el.dataset.ready = "1"; return; }
        draw(el, data);
      });
  }
  document.querySelectorAll(".chart[data-url]").forEach(load);
})();
