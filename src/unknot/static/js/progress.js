/*
 * Progress charts. Each canvas[data-progress-chart] names a <script type="application/json">
 * block (Django's json_script) holding one measure: labels, scores, pressure per session,
 * techniques, the clinically important threshold and which side of it is better.
 * Chart.js (vendored) draws the scores as a line, the threshold as a dashed line with the
 * "change that matters" side shaded, and the pressure used as bars on a second axis.
 * The page already holds the same facts as a sentence and a table.
 */
(function () {
  "use strict";

  var TEAL = "#1f5f5b";
  var ORANGE = "#c2410c";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function readData(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  function datasets(d) {
    var sets = [
      {
        type: "line",
        label: d.title,
        data: d.scores,
        borderColor: TEAL,
        backgroundColor: TEAL,
        borderWidth: 3,
        pointRadius: 5,
        pointHoverRadius: 7,
        tension: 0.2,
        yAxisID: "y",
        order: 1
      }
    ];
    if (d.threshold !== null && d.threshold !== undefined) {
      sets.push({
        type: "line",
        label: d.thresholdLabel,
        data: d.labels.map(function () { return d.threshold; }),
        borderColor: ORANGE,
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        pointHoverRadius: 0,
        fill: d.fill,
        backgroundColor: "rgba(194, 65, 12, 0.08)",
        yAxisID: "y",
        order: 2
      });
    }
    if (d.pressure.some(function (p) { return p !== null; })) {
      sets.push({
        type: "bar",
        label: "Pressure used (1-5)",
        data: d.pressure,
        backgroundColor: "rgba(82, 96, 109, 0.3)",
        borderWidth: 0,
        yAxisID: "pressure",
        order: 3,
        maxBarThickness: 18
      });
    }
    return sets;
  }

  function draw(canvas) {
    if (canvas.getAttribute("data-chart-ready") || typeof window.Chart === "undefined") return;
    var d = readData(canvas.getAttribute("data-progress-chart"));
    if (!d) return;
    var chart = new window.Chart(canvas, {
      data: { labels: d.labels, datasets: datasets(d) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, font: { size: 12 } } },
          y: {
            min: d.min,
            max: d.max,
            ticks: { stepSize: d.max - d.min > 10 ? 5 : 2, font: { size: 12 } },
            title: { display: true, text: d.direction === "lower-is-better" ? "Score (lower is better)" : "Score (higher is better)" }
          },
          pressure: {
            position: "right",
            min: 0,
            max: 5,
            display: d.pressure.some(function (p) { return p !== null; }),
            grid: { drawOnChartArea: false },
            ticks: { stepSize: 1, font: { size: 11 } },
            title: { display: true, text: "Pressure" }
          }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 12 } } },
          tooltip: {
            callbacks: {
              afterBody: function (items) {
                var i = items.length ? items[0].dataIndex : -1;
                var t = i >= 0 ? d.techniques[i] : "";
                return t ? "Session before: " + t : "";
              }
            }
          }
        }
      }
    });
    canvas.setAttribute("data-chart-ready", "true");
    return chart;
  }

  function init(root) {
    (root || document).querySelectorAll("canvas[data-progress-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (event) {
    init(event.target && event.target.querySelectorAll ? event.target : document);
  });
})();
