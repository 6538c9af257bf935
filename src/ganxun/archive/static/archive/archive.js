// The archive's yearly hours chart. The data arrive ready (json_script "year-hours-data"); this only draws.
// The legend keeps to one line at the top (it scrolls when the forms do not fit, as on a phone) and the
// axis name 学时 stands beside the axis, so the two never overlap.
(function () {
  var el = document.getElementById("gx-year-chart");
  var source = document.getElementById("year-hours-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var colors = { full_time: "#c0392b", online: "#2f80ed", lecture: "#f2994a", study_group: "#27ae60",
                 self_study: "#9b51e0", other: "#8a98a8" };
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    textStyle: { fontFamily: '"Noto Sans SC", "Microsoft YaHei", sans-serif' },
    // drawn on the canvas (richText): ECharts' HTML tooltip marks each series with an inline style, which the
    // pages' Content-Security-Policy refuses
    tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v.toFixed(1) + " 学时"; } },
    legend: { type: "scroll", top: 0, left: "center", itemGap: 12 },
    grid: { left: 40, right: 12, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: "学时", nameLocation: "middle", nameGap: 44, nameRotate: 90 },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "hours", barMaxWidth: 48, data: s.data,
               itemStyle: { color: colors[s.key] } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
