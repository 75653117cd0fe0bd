// Outcomes by month, summed over procedures: one bar group per month.
(function () {
  const source = document.getElementById("outcomes-data");
  const canvas = document.getElementById("outcomes-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  const font = {size: window.matchMedia("(max-width: 575.98px)").matches ? 13 : 15};  // readable
  const months = [...new Set(rows.map(r => r.month))].sort();
  const series = [
    ["enrolled", "Enrolled", "#90a4ae"], ["completed", "Completed", "#1565c0"],
    ["improved_by_day10", "Improved by day 10", "#2e7d32"],
    ["diagnostic_responders", "Diagnostic responders", "#6a1b9a"],
    ["no_response", "No response", "#ef6c00"], ["opted_out", "Opted out", "#c62828"],
  ];
  const sum = (key, month) => rows.filter(r => r.month === month).reduce((n, r) => n + r[key], 0);
  window.outcomesChart = new Chart(canvas, {
    type: "bar",
    data: {labels: months, datasets: series.map(([key, label, color]) => ({
      label, backgroundColor: color, data: months.map(m => sum(key, m)),
    }))},
    options: {animation: false, maintainAspectRatio: false,
              scales: {x: {ticks: {font}}, y: {beginAtZero: true, ticks: {precision: 0, font}}},
              plugins: {legend: {position: "bottom", labels: {font, padding: 12}}}},
  });
})();
