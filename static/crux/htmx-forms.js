/*
 * Form errors in place. Crux answers an htmx form with a 400 (or 409 for a conflict)
 * fragment that htmx swaps where the form was. In DEBUG, django-htmx's helper replaces the
 * whole page with any 400/403/404/500 response so that Django's error pages show; keep
 * Crux's fragments from it (they are not whole documents) and let the real error pages
 * through.
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

  if (document.body) guard();
  else document.addEventListener("DOMContentLoaded", guard);
})();
