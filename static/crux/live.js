/*
 * Live map updates (templates/debates/_live.html): htmx fetches the refreshed #map-tree;
 * this keeps what the viewer is doing when it arrives. A refresh waits while they are
 * typing in the tree (an open edit panel or a focused form) and is applied once they are
 * done; branches they folded stay folded and keyboard focus stays on the same claim.
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
  };

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
