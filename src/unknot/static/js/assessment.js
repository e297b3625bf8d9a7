/*
 * The self-assessment with htmx: a step whose answers need fixing comes back with status 400
 * and is swapped in like any other (htmx leaves error responses alone by default); after each
 * swap, focus moves to the error summary or to the new step's heading, so keyboard and
 * screen-reader users continue from the right place.
 */
(function () {
  "use strict";

  function isStep(target) {
    return target && target.id === "assessment-step";
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (isStep(event.detail.target) && event.detail.xhr && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!isStep(event.detail.target)) return;
    var target = event.detail.target;
    var focus = target.querySelector("[data-error-summary]") || target.querySelector("[data-step-heading]");
    if (focus) {
      focus.focus({ preventScroll: true });
      var top = target.getBoundingClientRect().top + window.scrollY - 16;
      window.scrollTo({ top: Math.max(top, 0), behavior: "auto" });
    }
  });
})();
