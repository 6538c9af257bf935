// The timetable's form (classes/_timetable.html, swapped by htmx): choosing a course or a teacher from the
// institution's library fills its category, method and hours, or the teacher's kind.
(function () {
  function picked(input, listId) {
    var list = document.getElementById(listId);
    if (!list) return null;
    var opt = Array.prototype.find.call(list.options, function (o) { return o.value === input.value; });
    return opt && (opt.dataset.category || opt.dataset.kind) ? opt.dataset : null;
  }
  document.addEventListener("change", function (e) {
    var input = e.target;
    var form = input.closest && input.closest('form[data-testid="session-form"]');
    if (!form) return;
    var d;
    if (input.name === "course_name" && (d = picked(input, "gx-courses"))) {
      form.querySelector("[name=content_category]").value = d.category;
      form.querySelector("[name=method]").value = d.method;
      form.querySelector("[name=hours]").value = d.hours;
    } else if (input.name === "teacher_name" && (d = picked(input, "gx-teachers"))) {
      form.querySelector("[name=teacher_kind]").value = d.kind;
    }
  });
})();
