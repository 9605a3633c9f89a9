/* The dashboard's charts: each <div class="chart" data-url data-kind> fetches its JSON and draws
   it with the vendored ECharts; a bar or slice opens the records behind it. */
(function () {
  "use strict";
  function labelWidth(el, share) {
    return Math.max(72, Math.min(220, Math.round(el.clientWidth * share)));
  }
  function draw(el, data) {
    if (el.dataset.kind === "bar") {  // room for two lines of label per bar
      el.style.height = Math.max(300, data.rows.length * 48 + 40) + "px";
    }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var kind = el.dataset.kind;
    var option;
    if (kind === "line") {
      option = {
        tooltip: { trigger: "axis" },
        // One line of legend (scrolled on a phone, where it would wrap over the axis), and
        // the axes' labels inside the chart's box.
        legend: { top: 0, type: "scroll" },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.dates, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.series.map(function (s) {
          return { name: s.name, type: "line", showSymbol: false, data: s.data };
        })
      };
    } else if (kind === "pie") {
      // Slice labels may break onto two lines but are never cut ("待..."); the legend below
      // names every slice in full as well.
      option = {
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie", radius: ["28%", "52%"], center: ["50%", "44%"], data: data.rows,
          avoidLabelOverlap: true, minShowLabelAngle: 4,
          label: { formatter: "{b}\n{c}", overflow: "break", width: labelWidth(el, 0.3) },
          labelLine: { length: 8, length2: 6 }
        }]
      };
    } else {
      // Long aspect names wrap within a left margin sized to the chart, one label per bar.
      var width = labelWidth(el, 0.36);
      option = {
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 48, top: 8, bottom: 24, containLabel: true },
        xAxis: { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } },
        yAxis: {
          type: "category", inverse: true, data: data.rows.map(function (r) { return r.name; }),
          axisLabel: { interval: 0, width: width, overflow: "break", lineHeight: 18 }
        },
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
