// The pain trajectory: reported scores by day since the injection, the baseline and the
// improvement threshold (at or below it, pain counts as improved). The page leaves the
// canvas out until there is a score, saying so instead of drawing empty axes.
(function () {
  const canvas = document.getElementById("pain-chart");
  if (!canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const lastDay = data.last_day;  // the last planned text's day: the axis spans the plan
  const narrow = window.matchMedia("(max-width: 575.98px)").matches;
  const font = {size: narrow ? 13 : 15};
  const line = (label, y, color, dash) => ({
    label, type: "line", data: [{x: 0, y}, {x: lastDay, y}], borderColor: color,
    backgroundColor: color, borderDash: dash, pointRadius: 0, borderWidth: 2, pointStyle: "line",
  });
  const datasets = [{
    label: "Reported pain (0-10)", type: "line",
    data: data.points.map(p => ({x: p.day, y: p.score, step: p.label})),
    borderColor: "#1565c0", backgroundColor: "#1565c0", pointRadius: 5, tension: 0,
  }];
  if (data.baseline !== null) datasets.push(line("Baseline " + data.baseline, data.baseline, "#757575", [6, 4]));
  if (data.threshold !== null) datasets.push(line("Improved at or below " + data.threshold.toFixed(1), data.threshold, "#2e7d32", [2, 3]));
  window.painChart = new Chart(canvas, {
    data: {datasets},
    options: {
      animation: false, maintainAspectRatio: false,
      layout: {padding: {right: 8}},  // the last day's tick label is not cut at the edge
      scales: {
        x: {type: "linear", min: 0, max: lastDay, ticks: {stepSize: 1, font},
            title: {display: true, text: "Days since the injection", font}},
        y: {min: 0, max: 10, ticks: {stepSize: 1, font}, title: {display: true, text: "Pain", font}},
      },
      plugins: {
        // a legend to read at arm's length: a dot for the scores, a stroke per line
        legend: {position: "bottom",
                 labels: {font, usePointStyle: true, padding: 14}},
        tooltip: {callbacks: {label: c => c.raw.step ? `${c.raw.step}: ${c.raw.y}` : c.dataset.label}},
      },
    },
  });
})();
