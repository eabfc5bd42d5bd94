// A page waiting on a background job (roster preview or apply, a large export, a match run):
// ask the job's status URL every few seconds, move the progress bar, and reload the page once
// the job has finished so it shows the result. Without JavaScript the page has a Refresh link.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("[data-job-bar]");
  var step = box.querySelector("[data-job-step]");
  var figures = box.querySelector("[data-job-figures]");
  var delay = 1500;

  function show(data) {
    var p = data.progress;
    if (!p) { return; }
    if (step && p.step) { step.textContent = p.step; }
    if (bar) {
      bar.value = p.percent;
      bar.setAttribute("aria-valuenow", String(p.percent));
      bar.textContent = p.percent + "%";
    }
    if (figures && p.total) {
      figures.textContent = p.done.toLocaleString() + " of " + p.total.toLocaleString() + " " +
        (data.unit || "rows") + " (" + p.percent + "%)";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.finished) { window.location.reload(); return; }
        if (data) { show(data); }
        delay = Math.min(delay * 1.2, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
