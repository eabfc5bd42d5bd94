// Retention curves: each cohort's mentees (solid) against its comparison group (dashed). The
// figures come from the page (json_script) and are all in the table below, so the page is
// complete without this file.
(function () {
  "use strict";
  var source = document.getElementById("retention-data");
  var canvas = document.getElementById("chart-retention");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by dash as well as hue.
  var palette = ["#0b4f6c", "#a4462a", "#2d6a2e", "#6a3d9a", "#7a5c00", "#1f5fa8"];
  var cohorts = {};
  var datasets = data.series.map(function (s) {
    var cohort = s.label.split(":")[0];
    if (!(cohort in cohorts)) { cohorts[cohort] = palette[Object.keys(cohorts).length % palette.length]; }
    return {
      label: s.label,
      data: s.values,
      borderColor: cohorts[cohort],
      backgroundColor: cohorts[cohort],
      borderDash: s.comparison ? [6, 4] : [],
      spanGaps: false,
      tension: 0,
    };
  });
  new window.Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; }, color: "#212529" } },
        x: { ticks: { color: "#212529" } },
      },
      plugins: { legend: { labels: { color: "#212529" } } },
    },
  });
})();
