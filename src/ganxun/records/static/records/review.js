// 自学审核: select claims, count them, and confirm a bulk approval, rejection (with its reason) or pass-up.
(function () {
  var form = document.getElementById("review-bulk");
  if (!form) return;
  var all = document.getElementById("review-all");
  var boxes = function () { return Array.prototype.slice.call(document.querySelectorAll('input[name="ids"][form="review-bulk"]')); };
  var counter = form.querySelector('[data-testid="review-selected"] strong');
  var reason = form.querySelector('input[name="reason"]');
  var buttons = form.querySelectorAll('button[name="action"]');
  function refresh() {
    var list = boxes(), n = list.filter(function (b) { return b.checked; }).length;
    counter.textContent = n;
    all.checked = n > 0 && n === list.length;
    all.indeterminate = n > 0 && n < list.length;
    buttons.forEach(function (b) { b.disabled = n === 0; });
    list.forEach(function (b) { b.closest("tr").classList.toggle("selected", b.checked); });
  }
  all.addEventListener("change", function () { boxes().forEach(function (b) { b.checked = all.checked; }); refresh(); });
  document.addEventListener("change", function (e) { if (e.target.matches('input[name="ids"]')) refresh(); });
  var clicked = null;
  buttons.forEach(function (b) { b.addEventListener("click", function () { clicked = b.value; }); });
  form.addEventListener("submit", function (e) {
    var n = boxes().filter(function (b) { return b.checked; }).length;
    if (clicked === "reject" && !reason.value.trim()) {
      e.preventDefault();
      reason.classList.add("is-invalid");
      reason.focus();
      return;
    }
    var what = clicked === "reject" ? "退回所选的 " + n + " 条自学申报（原因：" + reason.value.trim() + "）"
      : clicked === "pass_up" ? "将所选的 " + n + " 条申报报上级审核" : "通过所选的 " + n + " 条自学申报，计入学时";
    if (!window.confirm("确认" + what + "？")) { e.preventDefault(); return; }
    // one submission: a double click must not send the same claims twice
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
  });
  reason.addEventListener("input", function () { reason.classList.remove("is-invalid"); });
  refresh();
})();
