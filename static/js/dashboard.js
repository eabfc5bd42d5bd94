// Coordinator dashboard charts. The numbers come from the page itself (json_script), and the
// same numbers are in the tables beside each chart, so the page is complete without this file.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var brand = "#0b4f6c";

  function bar(id, series, label) {
    var canvas = document.getElementById(id);
    if (!canvas || !series) {
      return;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{ label: label, data: series.values, backgroundColor: brand, borderColor: brand }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false, // figures, not a show: and nothing moves for people who get dizzy
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0, color: "#212529" } }, x: { ticks: { color: "#212529" } } },
      },
    });
  }

  bar("chart-funnel", data.funnel, "Mentees");
  bar("chart-meetings", data.meetings, "Pairs");
  bar("chart-since", data.since, "Pairs");
})();
