/*
 * Live map updates (templates/debates/_live.html): htmx fetches the refreshed #map-tree;
 * this keeps what the viewer is doing when it arrives. A refresh waits while they are
 * typing in the tree (an open edit panel or a focused form) and is applied once they are
 * done; branches they folded stay folded and keyboard focus stays on the same claim.
 *
 * It also decides when a refresh goes ahead. htmx's trigger filters (`every 3s [test()]`)
 * are compiled with Function(), which the Content-Security-Policy forbids (allowEval is off
 * in base.html), so the timers live here and fire "crux:live-refresh" at the refresh
 * element, and a pushed "map-changed" event is held back in htmx:confirm.
 */
(function () {
  "use strict";

  const TREE_ID = "map-tree";
  // Fields a person types into; buttons-only forms (delete, approve) do not hold a refresh.
  const TYPING = [
    "textarea",
    "input:not([type=hidden]):not([type=submit]):not([type=button])" +
      ":not([type=checkbox]):not([type=radio]):not([type=reset])",
    "[contenteditable=true]",
    "[data-live-hold]",
  ].join(", ");
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

  let owed = false; // an update arrived while the viewer was busy
  let streamDown = false; // the event stream was refused or lost: poll until it is back
  let kept = null; // state saved before a live swap, restored after it

  function busy() {
    const tree = document.getElementById(TREE_ID);
    if (!tree) return true;
    return Boolean(tree.querySelector("form:focus-within") || tree.querySelector(TYPING));
  }

  // Swap events fire on the target and the new content, so ask who made the request.
  function isLive(event) {
    const detail = event.detail || {};
    const elt = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return Boolean(elt && elt.hasAttribute && elt.hasAttribute("data-live-refresh"));
  }

  window.cruxLive = {
    /** Trigger filter: refresh now, or remember to once the viewer is done. */
    wanted() {
      if (busy()) {
        owed = true;
        return false;
      }
      return true;
    },
    /** Trigger filter for the periodic re-check: only when an update is owed. */
    owed() {
      return owed && !busy();
    },
    /** Trigger filter for polling while the event stream is down. */
    polling() {
      return streamDown && window.cruxLive.wanted();
    },
  };

  // A refused stream (429 past the per-client cap, 503 when the server is busy or cannot
  // listen) looks the same to EventSource as a lost one that cannot reconnect: it gives up
  // (readyState CLOSED). htmx's sse extension then retries with a growing delay; until a
  // retry opens, the page polls the refresh URL as pages without event streams do.
  function setStreamDown(down) {
    streamDown = down;
    const box = document.querySelector(".map-live[data-live-mode=events]");
    if (box) box.dataset.liveStream = down ? "down" : "open";
  }
  document.addEventListener("htmx:sseError", (event) => {
    const source = event.detail && event.detail.source;
    if (source && source.readyState === EventSource.CLOSED) setStreamDown(true);
  });
  document.addEventListener("htmx:sseOpen", () => setStreamDown(false));

  // A pushed change (hx-trigger "sse:map-changed") waits while the viewer is busy.
  document.addEventListener("htmx:confirm", (event) => {
    const trigger = event.detail && event.detail.triggeringEvent;
    if (!isLive(event) || !trigger || trigger.type !== "sse:map-changed") return;
    if (!window.cruxLive.wanted()) event.preventDefault();
  });

  // Timed checks: poll every data-live-poll seconds (always on a polling page, only while
  // the stream is down on an events page) and, on an events page, apply an owed update
  // every data-live-recheck seconds.
  function every(seconds, test) {
    if (!(seconds > 0)) return;
    window.setInterval(() => {
      const elt = document.querySelector("[data-live-refresh]");
      if (elt && window.htmx && test()) window.htmx.trigger(elt, "crux:live-refresh");
    }, seconds * 1000);
  }
  const refresher = document.querySelector("[data-live-refresh]");
  if (refresher) {
    const events = Boolean(refresher.closest("[data-live-mode=events]"));
    every(Number(refresher.dataset.livePoll), events ? window.cruxLive.polling : window.cruxLive.wanted);
    if (events) every(Number(refresher.dataset.liveRecheck), window.cruxLive.owed);
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (isLive(event)) owed = false;
  });
  for (const failure of ["htmx:sendError", "htmx:responseError"]) {
    document.addEventListener(failure, (event) => {
      if (isLive(event)) owed = true;
    });
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!isLive(event) || !event.detail.shouldSwap) return;
    if (busy()) {
      // They started typing while the request was on its way: keep their work.
      event.detail.shouldSwap = false;
      owed = true;
      return;
    }
    const tree = document.getElementById(TREE_ID);
    const closed = Array.from(tree.querySelectorAll("li[id] > details:not([open])"), (d) => d.parentElement.id);
    let focus = null;
    const active = document.activeElement;
    if (active && active !== tree && tree.contains(active)) {
      // The focused element itself when it has an id (a claim's link, a tree item), else
      // its position inside the nearest element that has one.
      const holder = active.closest("[id]");
      if (holder && holder !== tree) {
        const index = holder === active ? -1 : Array.from(holder.querySelectorAll(FOCUSABLE)).indexOf(active);
        focus = { id: holder.id, index };
      }
    }
    kept = { closed, focus };
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (!isLive(event) || !kept) return;
    const state = kept;
    kept = null;
    for (const id of state.closed) {
      const details = document.getElementById(id)?.querySelector(":scope > details");
      if (details) details.open = false;
    }
    if (state.focus) {
      const holder = document.getElementById(state.focus.id);
      const target =
        holder && (state.focus.index < 0 ? holder : holder.querySelectorAll(FOCUSABLE)[state.focus.index]);
      if (target) target.focus({ preventScroll: true });
    }
  });
})();
