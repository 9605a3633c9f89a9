/* The key task's timetable as a Gantt-like strip, drawn with the vendored ECharts from the
   page's JSON endpoint: one bar per milestone from the previous due date (or the task's start)
   to its own; done green, done late orange, overdue red, pending blue, undated grey; a dot
   where it was done; a dashed line for today. */
(function () {
  "use strict";
  var el = document.getElementById("gantt");
  if (!el || !window.echarts) { return; }
  var labels = JSON.parse(document.getElementById("gantt-labels").textContent);
  var COLORS = { done: "#2e7d32", late: "#ef6c00", overdue: "#c62828", pending: "#1565c0", undated: "#9e9e9e" };

  function day(text) { return new Date(text + "T00:00:00").getTime(); }

  function tip(m) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = m.title;
    var line = document.createElement("div");
    line.textContent = labels[m.status] + (m.due_on ? " · " + m.due_on : "") + (m.done_on ? " → " + m.done_on : "");
    box.appendChild(title);
    box.appendChild(line);
    return box;
  }

  function renderItem(params, api) {
    var row = api.value(0);
    var start = api.coord([api.value(1), row]);
    var end = api.coord([api.value(2), row]);
    var height = api.size([0, 1])[1] * 0.5;
    var children = [{
      type: "rect",
      shape: { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 6), height: height },
      style: api.style()
    }];
    var done = api.value(3);
    if (done > 0) {
      var at = api.coord([done, row]);
      children.push({ type: "circle", shape: { cx: at[0], cy: at[1], r: height / 3 }, style: { fill: "#fff", stroke: "#333" } });
    }
    return { type: "group", children: children };
  }

  function draw(data) {
    var rows = data.milestones;
    var narrow = el.clientWidth < 480;
    el.style.height = Math.max(160, 44 * rows.length + 60) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 24, bottom: 24, containLabel: true },
      // A string returned here would become the tooltip's innerHTML: the titles are user text,
      // so the tooltip is built as DOM nodes whose text is never parsed as markup.
      tooltip: { formatter: function (p) { return tip(rows[p.value[0]]); } },
      // On a phone the titles would take half the width and squeeze the months into each
      // other: they are cut short there (the tooltip and the table below give them whole), and
      // a month label that would overlap its neighbour is left out.
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category",
        inverse: true,
        data: rows.map(function (m) { return m.title; }),
        axisLabel: { width: narrow ? 96 : 240, overflow: "truncate" }
      },
      series: [{
        type: "custom",
        renderItem: renderItem,
        encode: { x: [1, 2], y: 0 },
        data: rows.map(function (m, i) {
          var start = day(m.start);
          return {
            name: m.title,
            value: [i, start, m.due_on ? day(m.due_on) : start, m.done_on ? day(m.done_on) : 0],
            itemStyle: { color: COLORS[m.status] }
          };
        }),
        markLine: {
          symbol: "none",
          label: { formatter: labels.today },
          lineStyle: { color: "#c62828", type: "dashed" },
          data: [{ xAxis: day(data.today) }]
        }
      }]
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(draw);
})();
