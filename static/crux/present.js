// Presentation mode (templates/debates/present.html): keys for every move, slides swapped in
// place (so full screen, which a page load would end, lasts the whole talk), and the Full
// screen button. Without this file every move is still a link.
//
// Keys: ↓/j and ↑/k move between the replies; Enter or → opens the chosen reply (the first
// when none is chosen); Backspace, Escape, u or ← go up; Space goes to the next claim beside
// this one, Shift+Space to the previous; e opens or closes the evidence; f toggles full
// screen.
(() => {
  "use strict";

  const frame = () => document.querySelector("[data-present]");
  const move = (name) => frame()?.querySelector(`a[data-move="${name}"]`);
  const replies = () => Array.from(frame()?.querySelectorAll("a[data-child]") || []);

  function chosen() {
    const links = replies();
    return links.indexOf(document.activeElement);
  }

  function choose(step) {
    const links = replies();
    if (!links.length) return;
    const at = chosen();
    const next = at < 0 ? (step > 0 ? 0 : links.length - 1) : at + step;
    links[Math.max(0, Math.min(links.length - 1, next))].focus();
  }

  // Replaces the slide with the one at `url`; `from` (a claim id) is focused among the new
  // slide's replies when it is one of them (coming back up), else the new title is.
  // One move at a time: keys pressed while a slide loads are dropped, not raced.
  let loading = false;

  async function go(url, { push = true, from = null, always = false } = {}) {
    if (loading && !always) return;
    loading = true;
    let html;
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(String(response.status));
      html = await response.text();
    } catch {
      window.location.href = url;
      return;
    } finally {
      loading = false;
    }
    const next = new DOMParser().parseFromString(html, "text/html");
    const incoming = next.querySelector("[data-present]");
    if (!incoming) {
      window.location.href = url;
      return;
    }
    frame().replaceWith(document.adoptNode(incoming));
    document.title = next.title;
    if (push) history.pushState({ present: true }, "", url);
    setUp();
    const back = from && frame().querySelector(`a[data-child="${from}"]`);
    (back || frame().querySelector("[data-slide-title]"))?.focus();
  }

  function follow(link, options = {}) {
    if (!link) return;
    if (link.dataset.move === "exit") {
      if (document.fullscreenElement) document.exitFullscreen();
      window.location.href = link.href;
      return;
    }
    go(link.href, options);
  }

  function toggleFullscreen() {
    if (!document.fullscreenEnabled) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  }

  function toggleEvidence() {
    const link = document.activeElement;
    const item = link && link.matches("a[data-child]") ? link.closest("li") : frame();
    const details = item?.querySelector("details[data-evidence]");
    if (details) details.open = !details.open;
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    // Space and Enter keep their own meaning on a button or a <summary>.
    const control = target.closest("button, summary");
    const here = frame()?.dataset.claim;
    switch (event.key) {
      case "ArrowDown":
      case "j":
        choose(1);
        break;
      case "ArrowUp":
      case "k":
        choose(-1);
        break;
      case "ArrowRight":
      case "Enter": {
        // Enter on another link (the trail, Exit) follows that link.
        const other = target.closest("a:not([data-child])");
        if (control || (event.key === "Enter" && other)) return;
        const at = chosen();
        follow(at >= 0 ? replies()[at] : replies()[0]);
        break;
      }
      case "ArrowLeft":
      case "Backspace":
      case "Escape":
      case "u":
        // Escape in full screen is the browser's, to leave it.
        if (event.key === "Escape" && document.fullscreenElement) return;
        follow(move("up"), { from: here });
        break;
      case " ":
        if (control) return;
        follow(move(event.shiftKey ? "previous" : "next"));
        break;
      case "e":
        toggleEvidence();
        break;
      case "f":
        toggleFullscreen();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  function onClick(event) {
    const link = event.target.closest("a");
    if (!link || !frame()?.contains(link) || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const slides = link.dataset.child || (link.dataset.move && link.dataset.move !== "exit");
    if (!slides && !link.closest(".present-trail")) return;
    event.preventDefault();
    follow(link);
  }

  function setUp() {
    const button = frame()?.querySelector("[data-fullscreen]");
    if (button && document.fullscreenEnabled) {
      button.hidden = false;
      button.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
      button.addEventListener("click", () => {
        toggleFullscreen();
        // So that Space, next, moves on rather than pressing the button again.
        frame().querySelector("[data-slide-title]")?.focus();
      });
    }
    frame()?.querySelector("[data-present-keys]")?.removeAttribute("hidden");
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  document.addEventListener("fullscreenchange", () => {
    const button = frame()?.querySelector("[data-fullscreen]");
    button?.setAttribute("aria-pressed", document.fullscreenElement ? "true" : "false");
  });
  // Back and Forward: the slide of the address the browser now shows, whatever else loads.
  window.addEventListener("popstate", () =>
    go(window.location.href, { push: false, always: true }),
  );
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
