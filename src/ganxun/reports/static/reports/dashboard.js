// 达标评估: the units card's switches (indicator, 一览, which subordinates) and the bar chart of the chosen
// indicator. The chart's data arrive as json_script "gx-chart-data"; the query base and the group as data-* of the card.
(function () {
  // The page holds the view it opened with; another view (an indicator's counts, 一览, 单位/地区指标) is fetched
  // when first chosen (?part=1) and kept in the page. Each view brings its chart's data as json_script.
  var data = {};
  function takeCharts(root) {
    root.querySelectorAll('script[id^="gx-chart-of-"]').forEach(function (s) {
      var d = JSON.parse(s.textContent);
      Object.keys(d).forEach(function (k) { data[k] = d[k]; });
      s.remove();
    });
  }
  var panes = document.getElementById("gx-panes");
  takeCharts(panes);
  var card = document.querySelector('[data-testid="units-card"]');
  var box = document.getElementById("gx-chart-box");
  var el = document.getElementById("gx-chart");
  var select = document.getElementById("gx-ind");
  var keep = { indicator: document.getElementById("f-indicator"), view: document.getElementById("f-view"), group: document.getElementById("f-group") };
  var base = card.getAttribute("data-base");
  var state = { view: select.value, group: card.getAttribute("data-group") };
  var chart = null;
  var FONT = '"Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
  function isIndicator(v) { return v !== "matrix" && v !== "org"; }

  var ruler = document.createElement("canvas").getContext("2d");
  function labelWidth(names) {
    ruler.font = "12px " + FONT;
    return Math.ceil(Math.max.apply(null, names.map(function (n) { return ruler.measureText(n).width; }).concat([20])));
  }

  function ensure() {
    if (chart) return chart;
    chart = echarts.init(el);
    chart.on("click", function (p) {
      if (p.data && p.data.drill) window.location.href = navHref("?" + base + "&org=" + encodeURIComponent(p.data.code) + "&indicator=" + encodeURIComponent(keep.indicator.value));
    });
    return chart;
  }

  function draw(code) {
    var d = data[code];
    var slot = document.querySelector('.gx-pane[data-pane="' + code + '"] .gx-chart-slot');
    if (slot && box.parentNode !== slot) slot.appendChild(box);
    var which = state.group === "region" ? "下级地区" : state.group === "unit" ? "直属单位" : "各下级单位";
    document.getElementById("gx-chart-title").textContent = (d ? d.name : "") + " · " + which + "达标率";
    // Lowest at the bottom; ties keep the table's order (regions first).
    var bars = d ? d.bars.filter(function (b) { return !state.group || b.group === state.group; })
      .map(function (b, i) { b.order = i; return b; }).sort(function (a, b) { return a.rate - b.rate || b.order - a.order; }) : [];
    el.style.height = Math.max(180, bars.length * 24 + 70) + "px";
    ensure().resize();
    if (!bars.length) {
      chart.clear();
      chart.setOption({ title: { text: "下级单位中没有本指标的适用对象", left: "center", top: "middle", textStyle: { fontFamily: FONT, fontSize: 13, color: "#888", fontWeight: "normal" } } });
      return;
    }
    var names = bars.map(function (b) { return b.name.length > 12 ? b.name.slice(0, 11) + "…" : b.name; });
    var series = {
      type: "bar", barMaxWidth: 18,
      data: bars.map(function (b) { return { value: b.rate, itemStyle: { color: b.region ? "#e67e22" : "#3a7bd5" }, full: b.name, code: b.code, drill: b.drill, met: b.met, applicable: b.applicable }; }),
      label: { show: true, position: "right", formatter: "{c}%", fontSize: 11 }
    };
    if (d.average !== null) {
      series.markLine = { symbol: "none", lineStyle: { color: "#c0392b", type: "dashed" },
        label: { formatter: "合计 " + d.average + "%", position: "end", color: "#c0392b", fontFamily: FONT }, data: [{ xAxis: d.average }] };
    }
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: { left: labelWidth(names) + 16, right: 56, top: 28, bottom: 28 },
      // drawn on the canvas (richText): an HTML tooltip would be markup with inline styles, which the
      // pages' Content-Security-Policy refuses, and would read a unit's name as HTML
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) { return p.data.full + "\n达标率 " + p.value + "%（" + p.data.met + "/" + p.data.applicable + " 人）"; } },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names },
      series: [series]
    }, true);
  }

  // Links to another dashboard keep the table's view and its rows (one drill-down from 一览 stays in 一览).
  function navHref(href) {
    var url = new URL(href, window.location.href);
    if (isIndicator(state.view)) url.searchParams.delete("view"); else url.searchParams.set("view", state.view);
    if (state.group) url.searchParams.set("group", state.group); else url.searchParams.delete("group");
    return url.pathname + url.search;
  }
  function keepState() {
    document.querySelectorAll("a[data-gx-nav]").forEach(function (a) { a.setAttribute("href", navHref(a.getAttribute("href"))); });
    keep.view.value = isIndicator(state.view) ? "" : state.view;
    keep.group.value = state.group;
    window.history.replaceState(null, "", navHref(window.location.href));
  }

  function applyGroup() {
    card.querySelectorAll("tr[data-group]").forEach(function (tr) { tr.classList.toggle("gx-hide-group", !!state.group && tr.getAttribute("data-group") !== state.group); });
    card.querySelectorAll("tr[data-group-head]").forEach(function (tr) { tr.classList.toggle("gx-hide-group", !!state.group); });
    card.querySelectorAll("a[data-gx-group]").forEach(function (a) { a.classList.toggle("active", a.getAttribute("data-gx-group") === state.group); });
  }

  function fontsReady() {
    // Canvas text needs the web font's Chinese subsets loaded first, or the labels show as boxes.
    var sample = "合计达标率各下级单位地区直属中没有本指标的适用对象";
    Object.keys(data).forEach(function (k) { sample += data[k].name; data[k].bars.forEach(function (b) { sample += b.name; }); });
    var ready = (document.fonts && document.fonts.load) ? document.fonts.load('12px "Noto Sans SC"', sample) : Promise.resolve();
    return ready.catch(function () {});
  }

  function note(text, cls) {
    var el = document.getElementById("gx-part-note");
    if (!el) {
      el = document.createElement("div");
      el.id = "gx-part-note";
      el.setAttribute("data-testid", "part-note");
      panes.parentNode.insertBefore(el, panes);
    }
    el.className = text ? "alert py-2 small " + cls : "d-none";
    el.textContent = text;
  }

  // The view comes as markup the server rendered, swapped in by htmx (as every fragment of the pages is) into a
  // hidden holder, then moved beside the others.
  var holder = document.createElement("div");
  holder.className = "d-none";
  panes.parentNode.insertBefore(holder, panes);
  function fetchView(v) {
    var url = new URL(panes.getAttribute("data-part"), window.location.href);
    url.searchParams.set("view", v);
    url.searchParams.set("indicator", keep.indicator.value);
    url.searchParams.set("part", "1");
    note("正在加载……", "alert-light");
    return htmx.ajax("GET", url.pathname + url.search, { target: holder, swap: "innerHTML" }).then(function () {
      takeCharts(holder);
      var found = holder.querySelector('.gx-pane[data-pane="' + v + '"]');
      if (!found) throw new Error("统计结果可能已更新");
      holder.querySelectorAll(".gx-pane").forEach(function (p) {
        p.classList.add("d-none");
        if (!panes.querySelector('.gx-pane[data-pane="' + p.getAttribute("data-pane") + '"]')) panes.appendChild(p);
      });
      holder.replaceChildren();
      note("", "");
    });
  }

  function show(v) {
    state.wanted = v;
    select.value = v;
    if (!panes.querySelector('.gx-pane[data-pane="' + v + '"]')) {
      fetchView(v).then(fontsReady).then(function () {
        applyGroup();
        if (state.wanted === v) show(v);
      }).catch(function (e) {
        note("加载失败：" + (e && e.message ? e.message : "网络错误") + "。请刷新页面后重试。", "alert-danger");
      });
      return;
    }
    state.view = v;
    card.querySelectorAll(".gx-pane").forEach(function (p) { p.classList.toggle("d-none", p.getAttribute("data-pane") !== v); });
    select.value = v;
    box.classList.toggle("d-none", !isIndicator(v));
    if (isIndicator(v)) {
      // the chosen indicator travels with every link that does not name its own (a pane's drill-downs do)
      keep.indicator.value = v;
      document.querySelectorAll("a[data-gx-nav]").forEach(function (a) {
        var pane = a.closest(".gx-pane");
        if (pane && isIndicator(pane.getAttribute("data-pane"))) return;
        var u = new URL(a.getAttribute("href"), window.location.href);
        u.searchParams.set("indicator", v);
        a.setAttribute("href", u.pathname + u.search);
      });
      var url = new URL(window.location.href);
      url.searchParams.set("indicator", v);
      window.history.replaceState(null, "", url);
    }
    keepState();
    if (isIndicator(v)) draw(v);
  }

  select.addEventListener("change", function () { show(select.value); });
  card.addEventListener("click", function (e) {
    var a = e.target.closest("a[data-gx-group]");
    if (!a) return;
    e.preventDefault();
    state.group = a.getAttribute("data-gx-group");
    applyGroup();
    keepState();
    if (isIndicator(state.view)) draw(state.view);
  });
  window.addEventListener("resize", function () { if (chart) chart.resize(); });
  applyGroup();
  fontsReady().then(function () { show(select.value); });
})();
