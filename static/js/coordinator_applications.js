// Applications review: a "select all shown" checkbox in the table header. Without JavaScript
// the page works the same, one checkbox at a time, so the control is only added here.
(function () {
  "use strict";
  var table = document.getElementById("applications-table");
  if (!table) { return; }
  var cell = table.querySelector("thead th.select-column");
  var boxes = table.querySelectorAll("tbody input[name='enrollments']");
  if (!cell || boxes.length === 0) { return; }
  var all = document.createElement("input");
  all.type = "checkbox";
  all.className = "form-check-input";
  all.id = "select-all-applications";
  var label = document.createElement("label");
  label.className = "visually-hidden";
  label.htmlFor = all.id;
  label.textContent = "Select all applications shown";
  cell.textContent = "";
  cell.appendChild(all);
  cell.appendChild(label);
  var counter = document.getElementById("applications-selected");
  function sync() {
    var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    if (counter) {
      counter.textContent = ticked === 0 ? "None selected yet." : ticked + " selected.";
    }
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    sync();
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
})();
