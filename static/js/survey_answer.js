// Survey page: saves a draft shortly after each change, and moves focus to the error summary.
// Without JavaScript the "Save and finish later" button does the same job.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  var form = document.getElementById("survey-form");
  var status = document.getElementById("autosave-status");
  if (!form || !window.fetch || !window.FormData) return;

  var timer = null;
  var pending = false;

  function save() {
    timer = null;
    if (!pending) return;
    pending = false;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (result.ok && result.body.saved) {
          status.textContent = "Draft saved at " + result.body.at + ".";
        } else if (result.body.error === "closed") {
          status.textContent = "This survey has closed; answers can no longer be saved.";
        } else {
          status.textContent = "Your draft could not be saved. Your answers are still on this page.";
        }
      })
      .catch(function () {
        status.textContent = "Your draft could not be saved. Your answers are still on this page.";
      });
  }

  function schedule() {
    pending = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 1200);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    pending = false;
  });
})();
