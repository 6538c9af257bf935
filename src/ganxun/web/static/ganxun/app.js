// Dialogs: any link with data-gx-modal loads its target into the shared modal through htmx.
document.addEventListener("htmx:afterSwap", function (e) {
  if (e.detail.target && e.detail.target.id === "gx-modal-content") {
    bootstrap.Modal.getOrCreateInstance(document.getElementById("gx-modal")).show();
  }
});
document.addEventListener("gx:close-modal", function () {
  var m = bootstrap.Modal.getInstance(document.getElementById("gx-modal"));
  if (m) m.hide();
});
// Tree: expand/collapse children rows.
document.addEventListener("click", function (e) {
  var t = e.target.closest("[data-gx-toggle]");
  if (!t) return;
  var path = t.getAttribute("data-gx-toggle");
  var open = t.getAttribute("aria-expanded") !== "false";
  t.setAttribute("aria-expanded", open ? "false" : "true");
  t.querySelector("i").className = open ? "bi bi-caret-right-fill" : "bi bi-caret-down-fill";
  document.querySelectorAll("[data-gx-path^='" + path + "']").forEach(function (row) {
    if (row.getAttribute("data-gx-path") === path) return;
    row.classList.toggle("d-none", open);
    var btn = row.querySelector("[data-gx-toggle]");
    if (btn && !open) { btn.setAttribute("aria-expanded", "true"); btn.querySelector("i").className = "bi bi-caret-down-fill"; }
  });
});
// Side tree: keep the selected org in view.
document.addEventListener("DOMContentLoaded", function () {
  var active = document.querySelector(".gx-orgside a.active");
  if (active && active.scrollIntoView) active.scrollIntoView({ block: "center" });
});
