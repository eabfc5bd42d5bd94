// Survey results: draws one bar chart per question from the JSON the page embeds.
// The tables beside each chart hold the same numbers, for screen readers and without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("survey-chart-data");
  if (!source || !window.Chart) return;
  var charts = JSON.parse(source.textContent);
  charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [{ label: "People", data: chart.counts, backgroundColor: "#0b4f6c" }]
      },
      options: {
        indexAxis: chart.labels.length > 6 ? "x" : "y",
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
