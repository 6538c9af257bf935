// The indicator form: only the fields of the chosen 要求 kind show (each group names its kinds in data-measure).
(function () {
  var select = document.getElementById("id_measure_kind");
  function show() {
    var kind = select.value;
    document.querySelectorAll("[data-measure]").forEach(function (el) {
      el.classList.toggle("on", el.dataset.measure.split(" ").indexOf(kind) >= 0);
    });
  }
  if (select) { select.addEventListener("change", show); show(); }
})();
