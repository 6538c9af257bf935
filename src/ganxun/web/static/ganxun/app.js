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
// The pages' Content-Security-Policy (web/csp.py) allows no inline script: the behaviours below replace the
// templates' onsubmit/onclick/onchange/oninput attributes. Each listens on document, so it also serves
// content that htmx swaps in later.

// data-confirm="…": a form asks before it submits, a button or link before it acts. Capturing, so a form
// whose question is declined reaches neither htmx nor the other handlers below.
function gxConfirmed(el, e) {
  if (window.confirm(el.getAttribute("data-confirm"))) return true;
  e.preventDefault();
  e.stopImmediatePropagation();
  return false;
}
document.addEventListener("click", function (e) {
  var el = e.target.closest && e.target.closest("button[data-confirm], a[data-confirm], input[type=submit][data-confirm]");
  if (el) gxConfirmed(el, e);
}, true);
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.matches("form[data-confirm]")) gxConfirmed(form, e);
}, true);

// data-gx-busy="正在检查…": a form submits once; its button then says so, with a spinner.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (e.defaultPrevented || !form.matches("form[data-gx-busy]")) return;
  if (form.getAttribute("data-gx-sent")) { e.preventDefault(); return; }
  form.setAttribute("data-gx-sent", "1");
  var button = form.querySelector("button[type=submit]") || form.querySelector("button");
  if (!button) return;
  var spinner = document.createElement("span");
  spinner.className = "spinner-border spinner-border-sm";
  button.disabled = true;
  button.replaceChildren(spinner, " " + form.getAttribute("data-gx-busy"));
});

// A file input with data-gx-file-name="#label": the label shows the chosen file's name (or its own
// data-gx-empty text when none is chosen).
document.addEventListener("change", function (e) {
  var input = e.target;
  if (!input.matches("input[type=file][data-gx-file-name]")) return;
  var label = (input.form || document).querySelector(input.getAttribute("data-gx-file-name"));
  if (label) label.textContent = input.files.length ? input.files[0].name : label.getAttribute("data-gx-empty");
});

// data-gx-filter="selector": typing hides the matching elements whose data-name does not contain the text.
document.addEventListener("input", function (e) {
  var input = e.target;
  if (!input.matches("input[data-gx-filter]")) return;
  var v = input.value;
  document.querySelectorAll(input.getAttribute("data-gx-filter")).forEach(function (a) {
    a.classList.toggle("d-none", !!v && a.getAttribute("data-name").indexOf(v) < 0);
  });
});

// A select with data-gx-navigate="page_size": choosing reloads the page with ?page_size=<value>.
document.addEventListener("change", function (e) {
  var select = e.target;
  if (!select.matches("select[data-gx-navigate]")) return;
  window.location.search = "?" + encodeURIComponent(select.getAttribute("data-gx-navigate")) + "=" + encodeURIComponent(select.value);
});
