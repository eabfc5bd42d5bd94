// Knowledge at risk by department: skills nobody else holds or is learning, and skills only
// being learned, left by each department's people eligible to retire. The figures come from the
// page (json_script) and are all in the table below it, so the page is complete without this file.
(function () {
  "use strict";
  var source = document.getElementById("knowledge-data");
  var canvas = document.getElementById("chart-knowledge");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        // Colours with at least 3:1 contrast on white (WCAG 1.4.11).
        { label: "No one else holds or is learning", data: data.uncovered, backgroundColor: "#a4462a" },
        { label: "Only being learned", data: data.learners_only, backgroundColor: "#7a5c00" },
      ],
    },
    options: {
      indexAxis: "y",
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0, color: "#212529" } },
        y: { stacked: true, ticks: { color: "#212529" } },
      },
      plugins: { legend: { labels: { color: "#212529" } } },
    },
  });
})();
