/*
 * Every htmx request that fails shows why. htmx leaves error answers unswapped, so without this
 * a 429 or a 500 would change nothing on the page. Forms that swap their own 400 answers
 * (the self-assessment) mark them as handled and never reach this handler.
 *
 * The message comes from the answer itself when it carries one ([data-error-message] in a page,
 * "message" in JSON), otherwise from its status.
 */
(function () {
  "use strict";

  var BY_STATUS = {
    400: "Something in the form could not be read. Please check it and try again.",
    403: "You may not do this. If you think you should, sign in again.",
    404: "This is no longer here. Reload the page to see what is.",
    409: "Someone else changed this just now. Reload the page and try again.",
    413: "That was too large to send.",
    429: "Too many requests in a short time. Please wait a minute and try again.",
  };
  var SERVER = "Something went wrong on our side and nothing was saved. Please try again.";
  var OFFLINE = "We could not reach the server. Check your connection and try again.";

  function fromAnswer(xhr) {
    var type = (xhr.getResponseHeader("Content-Type") || "").toLowerCase();
    try {
      if (type.indexOf("json") !== -1) {
        var data = JSON.parse(xhr.responseText);
        if (data && typeof data.message === "string") return data.message;
      } else if (type.indexOf("html") !== -1) {
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var marked = doc.querySelector("[data-error-message]");
        if (marked && marked.textContent.trim()) return marked.textContent.trim();
      }
    } catch (ignored) {
      /* an unreadable answer falls back to the status's message */
    }
    return null;
  }

  function show(message) {
    var box = document.getElementById("request-error");
    if (!box) return;
    box.querySelector("[data-request-error-text]").textContent = message;
    box.hidden = false;
    box.focus({ preventScroll: false });
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var message = (xhr && fromAnswer(xhr)) || BY_STATUS[status] || (status >= 500 ? SERVER : BY_STATUS[400]);
    show(message);
  });

  document.addEventListener("htmx:sendError", function () {
    show(OFFLINE);
  });

  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("request-error");
    if (box) box.hidden = true;
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-request-error-close]");
    if (close) document.getElementById("request-error").hidden = true;
  });
})();
