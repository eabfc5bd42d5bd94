// Match run page: while the run is queued or running, ask the server for its status every
// two seconds and reload the page once it has finished. Without JavaScript, the page shows a
// "Refresh" link instead.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector("[data-run-label]");
  var delay = 2000;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.finished) { window.location.reload(); return; }
        if (data && label) { label.textContent = data.label; }
        var p = data && data.progress;
        var bar = box.querySelector("[data-job-bar]");
        var step = box.querySelector("[data-job-step]");
        if (p && bar) {
          bar.value = p.percent;
          bar.setAttribute("aria-valuenow", String(p.percent));
          bar.textContent = p.percent + "%";
        }
        if (p && step) { step.textContent = p.step + " (" + p.percent + "%)"; }
        delay = Math.min(delay * 1.2, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, delay);
})();
