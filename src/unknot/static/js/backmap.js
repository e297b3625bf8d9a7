/*
 * The back map: each area of the SVG (g.backmap-region[data-region]) toggles the real
 * checkbox input[name="regions"] with the same value, by mouse, touch or keyboard
 * (Tab to it, then Space or Enter). aria-pressed mirrors the checkbox, in both directions.
 * Without JavaScript the map stays hidden and the checkboxes do the job.
 */
(function () {
  "use strict";

  function checkboxFor(map, slug) {
    var form = map.closest("form") || document;
    var boxes = form.querySelectorAll('input[type="checkbox"][name="regions"]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].value === slug) return boxes[i];
    }
    return null;
  }

  function show(region, pressed) {
    region.setAttribute("aria-pressed", pressed ? "true" : "false");
  }

  function toggle(map, region) {
    var box = checkboxFor(map, region.getAttribute("data-region"));
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function wire(map) {
    if (map.getAttribute("data-backmap-ready")) return;
    map.setAttribute("data-backmap-ready", "true");
    var regions = map.querySelectorAll(".backmap-region[data-region]");
    regions.forEach(function (region) {
      var box = checkboxFor(map, region.getAttribute("data-region"));
      if (!box) {
        region.removeAttribute("tabindex");
        region.setAttribute("aria-disabled", "true");
        return;
      }
      show(region, box.checked);
      region.addEventListener("click", function () {
        toggle(map, region);
      });
      region.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter" || event.key === "Spacebar") {
          event.preventDefault();
          toggle(map, region);
        }
      });
      box.addEventListener("change", function () {
        show(region, box.checked);
      });
    });
    map.hidden = false;
  }

  function init(root) {
    root = root || document;
    if (root.matches && root.matches("[data-backmap]")) wire(root);
    root.querySelectorAll("[data-backmap]").forEach(wire);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // htmx swaps steps in place; wire any map that arrives with new content.
  document.addEventListener("htmx:load", function (event) {
    init(event.target && event.target.querySelectorAll ? event.target : document);
  });
})();
