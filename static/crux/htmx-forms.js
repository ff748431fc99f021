/*
 * Form errors in place. Crux answers an htmx form with a 400 (or 409 for a conflict)
 * fragment that htmx swaps where the form was. In DEBUG, django-htmx's helper replaces the
 * whole page with any 400/403/404/500 response so that Django's error pages show; keep
 * Crux's fragments from it (they are not whole documents) and let the real error pages
 * through. A 429 shows its message inside the form (showThrottle).
 */
(function () {
  "use strict";

  function isDocument(text) {
    return /^\s*(<!doctype|<html)/i.test((text || "").slice(0, 200));
  }

  function guard() {
    document.body.addEventListener("htmx:beforeOnLoad", function (event) {
      const xhr = event.detail && event.detail.xhr;
      if (xhr && xhr.status >= 400 && xhr.status < 500 && !isDocument(xhr.responseText)) {
        event.stopPropagation();
      }
    });
  }

  /*
   * 429 (writing faster than Crux allows): the answer is a one-line message; show it at the
   * top of the form that was sent, replacing an earlier one, and leave the form and what was
   * typed in it as they were (htmx does not swap a 429: see responseHandling in base.html).
   */
  function showThrottle(event) {
    const xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 429) return;
    const elt = event.detail.elt;
    const form = (elt && elt.closest && elt.closest("form")) || elt;
    if (!form || !form.insertBefore) return;
    const holder = document.createElement("div");
    holder.innerHTML = xhr.responseText;
    let message = holder.querySelector(".throttle-message");
    if (!message) {
      const wait = xhr.getResponseHeader("Retry-After") || "a few";
      message = document.createElement("p");
      message.className = "message message-error throttle-message";
      message.setAttribute("role", "alert");
      message.textContent =
        "You are writing faster than Crux allows; wait " + wait + " seconds and try again.";
    }
    const earlier = form.querySelector(".throttle-message");
    if (earlier) earlier.replaceWith(message);
    else form.insertBefore(message, form.firstChild);
    event.detail.shouldSwap = false;
    event.detail.isError = false;
  }

  function start() {
    guard();
    document.body.addEventListener("htmx:beforeSwap", showThrottle);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
