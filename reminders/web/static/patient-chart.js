// The pain trajectory: reported scores by day since the injection, the baseline and the
// improvement threshold (at or below it, pain counts as improved).
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const canvas = document.getElementById("pain-chart");
  if (!canvas || typeof Chart === "undefined") return;
  const lastDay = data.last_day;
  const line = (label, y, color, dash) => ({
    label, type: "line", data: [{x: 0, y}, {x: lastDay, y}], borderColor: color,
    borderDash: dash, pointRadius: 0, borderWidth: 2,
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
      scales: {
        x: {type: "linear", min: 0, max: lastDay, title: {display: true, text: "Days since the injection"},
            ticks: {stepSize: 1}},
        y: {min: 0, max: 10, title: {display: true, text: "Pain"}, ticks: {stepSize: 1}},
      },
      plugins: {
        tooltip: {callbacks: {label: c => c.raw.step ? `${c.raw.step}: ${c.raw.y}` : c.dataset.label}},
      },
    },
  });
})();
