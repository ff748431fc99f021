/* Crux reader: the adder (annotate, highlight or cite the selected words where they are) and
 * choosing a highlight (its notes and citing claims shown without moving the page).
 *
 * Offsets. Every block of the source carries data-start/data-end (its span in the stored
 * text); elements marked data-skip (badges, the ✎ link) are not source text and are left out
 * of the count. A selection, made with a mouse, by touch or with the keyboard (caret
 * browsing: selectionchange covers all three), becomes a span snapped to whole words.
 *
 * The adder. A toolbar (#adder) appears at the selection: Annotate and Cite as evidence open
 * their ordinary POST forms right there, in a popover beside the words on wide screens and
 * as a bottom sheet on phones; Highlight posts a private highlight at once. With a keyboard,
 * Tab from the selection reaches the toolbar; Escape closes what is open.
 *
 * Choosing a highlight. The notes on those words are marked and the side panel scrolls on
 * its own to them (a note on another page of notes is fetched); a cited passage's claims are
 * swapped in by htmx (hx-boost on the text). Where the panel sits below the text (narrow
 * screens) it opens as a bottom sheet instead. "Show its words in the text" and "Back to the
 * passage" lead back, focus included, for keyboard and screen-reader users. Arriving at
 * #note-N (after saving a note) shows its words in the text and the note beside them.
 *
 * Positions are set through element.style (CSSOM), which the strict CSP allows; no markup is
 * built from strings.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-annotatable]");
  if (!root) return;
  var side = document.querySelector(".reader-side");
  var sideBar = side && side.querySelector(".reader-side-bar");
  var adder = document.getElementById("adder");
  var popover = document.getElementById("adder-popover");
  var status = document.getElementById("adder-status");
  var SHEET = window.matchMedia("(max-width: 700px)"); // the forms as a bottom sheet
  var STACKED = window.matchMedia("(max-width: 900px)"); // the side panel below the text (crux.css)
  var CALM = window.matchMedia("(prefers-reduced-motion: reduce)");
  var MARGIN = 8;

  // --- offsets ---------------------------------------------------------------------------

  function skipped(node) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    return !!(element && element.closest("[data-skip]"));
  }

  function blockOf(node) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    var block = element ? element.closest("[data-start]") : null;
    return block && root.contains(block) ? block : null;
  }

  function textNodes(block) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return skipped(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  function blockText(block) {
    return textNodes(block).map(function (n) { return n.data; }).join("");
  }

  // Characters of source text between the start of `block` and (node, offset).
  function offsetWithin(block, node, offset) {
    var range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(node, offset);
    var fragment = range.cloneContents();
    fragment.querySelectorAll("[data-skip]").forEach(function (el) { el.remove(); });
    return fragment.textContent.length;
  }

  // The DOM point `offset` characters into `block`'s source text.
  function pointAt(block, offset) {
    var nodes = textNodes(block);
    for (var i = 0; i < nodes.length; i++) {
      if (offset <= nodes[i].data.length) return [nodes[i], offset];
      offset -= nodes[i].data.length;
    }
    var last = nodes[nodes.length - 1];
    return last ? [last, last.data.length] : [block, block.childNodes.length];
  }

  var LETTER = /[\p{L}\p{N}_]/u;
  // A letter, or an apostrophe or hyphen inside a word ("Moscow’s", "high-level").
  function inWord(text, i) {
    var ch = text.charAt(i);
    if (!ch) return false;
    if (LETTER.test(ch)) return true;
    return /['’\-]/.test(ch) && LETTER.test(text.charAt(i - 1)) && LETTER.test(text.charAt(i + 1));
  }

  function snapStart(text, i) {
    if (inWord(text, i)) { while (i > 0 && inWord(text, i - 1)) i--; }
    else { while (i < text.length && /\s/.test(text.charAt(i))) i++; }
    return i;
  }

  function snapEnd(text, j) {
    if (j > 0 && inWord(text, j - 1)) { while (j < text.length && inWord(text, j)) j++; }
    else { while (j > 0 && /\s/.test(text.charAt(j - 1))) j--; }
    return j;
  }

  function blocks() {
    return Array.prototype.slice.call(root.querySelectorAll("[data-start]"));
  }

  // The span of source text a range covers, snapped to whole words: {start, end, text, range}.
  function spanOf(range) {
    if (!root.contains(range.commonAncestorContainer) && !range.intersectsNode(root)) return null;
    var touched = blocks().filter(function (b) { return range.intersectsNode(b); });
    if (!touched.length) return null;
    var first = touched[0];
    var last = touched[touched.length - 1];
    var firstText = blockText(first);
    var lastText = first === last ? firstText : blockText(last);
    var s = first.contains(range.startContainer)
      ? offsetWithin(first, range.startContainer, range.startOffset) : 0;
    var e = last.contains(range.endContainer)
      ? offsetWithin(last, range.endContainer, range.endOffset) : lastText.length;
    s = snapStart(firstText, Math.min(s, firstText.length));
    e = snapEnd(lastText, Math.min(e, lastText.length));
    var start = parseInt(first.dataset.start, 10) + s;
    var end = parseInt(last.dataset.start, 10) + e;
    if (end <= start) return null;
    var text;
    if (first === last) text = firstText.slice(s, e);
    else {
      var middle = touched.slice(1, -1).map(blockText);
      text = [firstText.slice(s)].concat(middle, [lastText.slice(0, e)]).join("\n");
    }
    if (!text.trim()) return null;
    var snapped = document.createRange();
    var a = pointAt(first, s);
    var b = pointAt(last, e);
    snapped.setStart(a[0], a[1]);
    snapped.setEnd(b[0], b[1]);
    return { start: start, end: end, text: text, range: snapped };
  }

  function blockSpan(block) {
    var range = document.createRange();
    range.selectNodeContents(block);
    return spanOf(range);
  }

  function selectedSpan() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    return spanOf(selection.getRangeAt(0));
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  function short(text, n) {
    text = text.replace(/\s+/g, " ").trim();
    return text.length > n ? text.slice(0, n - 1) + "…" : text;
  }

  // --- placing things at the text --------------------------------------------------------

  // The page offset of an absolutely positioned element's containing block.
  function origin(element) {
    var parent = element.offsetParent;
    if (!parent || parent === document.body || parent === document.documentElement) {
      return { top: -window.scrollY, left: -window.scrollX };
    }
    var rect = parent.getBoundingClientRect();
    return { top: rect.top, left: rect.left };
  }

  function viewport() {
    return { width: document.documentElement.clientWidth, height: window.innerHeight };
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(value, high));
  }

  // The rectangle of a range's last line (where a selection ends), in viewport pixels.
  function endRect(range) {
    var rects = range.getClientRects();
    return rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
  }

  // --- the adder -------------------------------------------------------------------------

  var popoverTitle = document.getElementById("adder-title");
  var quote = document.getElementById("selection-quote");
  var forms = popover ? Array.prototype.slice.call(popover.querySelectorAll("[data-adder-form]")) : [];
  var highlightForm = document.getElementById("highlight-form");
  var TITLES = { note: "Annotate", cite: "Cite as evidence" };
  var shown = null; // the span the adder offers
  var open = null; // the span the popover's forms are for
  var openMode = null;
  var pointerDown = false;
  var pending = null;
  var lastPicked = null;

  function showAdder(span) {
    shown = span;
    adder.hidden = false;
    var rect = endRect(span.range);
    var view = viewport();
    var base = origin(adder);
    var top = clamp(rect.bottom + MARGIN, MARGIN, view.height - adder.offsetHeight - MARGIN);
    var left = clamp(rect.right - adder.offsetWidth / 2, MARGIN, view.width - adder.offsetWidth - MARGIN);
    adder.style.top = top - base.top + "px";
    adder.style.left = left - base.left + "px";
  }

  function hideAdder() {
    if (!adder) return;
    adder.hidden = true;
    shown = null;
  }

  function markPending(span) {
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    if (span) CSS.highlights.set("crux-pending", new window.Highlight(span.range));
    else CSS.highlights.delete("crux-pending");
  }

  function fill(span) {
    forms.concat(highlightForm ? [highlightForm] : []).forEach(function (form) {
      var start = form.querySelector("[name$=start]");
      var end = form.querySelector("[name$=end]");
      if (start) start.value = span.start;
      if (end) end.value = span.end;
    });
    if (quote) quote.textContent = short(span.text, 300);
  }

  function placePopover() {
    if (!popover || popover.hidden || !open) return;
    if (SHEET.matches) {
      popover.classList.add("is-sheet");
      popover.style.top = popover.style.left = popover.style.maxHeight = "";
      return;
    }
    popover.classList.remove("is-sheet");
    var view = viewport();
    popover.style.maxHeight = view.height - 2 * MARGIN + "px";
    var height = popover.offsetHeight;
    var width = popover.offsetWidth;
    var rect = open.range.getBoundingClientRect();
    var last = endRect(open.range);
    // Below the words, else above them, else beside them, else over them: in view always.
    var top = rect.top;
    var left = rect.left;
    if (last.bottom + MARGIN + height <= view.height - MARGIN) top = last.bottom + MARGIN;
    else if (rect.top - MARGIN - height >= MARGIN) top = rect.top - MARGIN - height;
    else if (rect.right + MARGIN + width <= view.width - MARGIN) left = rect.right + MARGIN;
    else if (rect.left - MARGIN - width >= MARGIN) left = rect.left - MARGIN - width;
    top = clamp(top, MARGIN, Math.max(MARGIN, view.height - MARGIN - height));
    left = clamp(left, MARGIN, Math.max(MARGIN, view.width - width - MARGIN));
    var base = origin(popover);
    popover.style.top = top - base.top + "px";
    popover.style.left = left - base.left + "px";
  }

  function openForm(mode, span) {
    if (!popover || !span) return;
    var form = forms.filter(function (f) { return f.dataset.adderForm === mode; })[0];
    if (!form) return;
    open = span;
    openMode = mode;
    fill(span);
    hideAdder();
    forms.forEach(function (f) { f.hidden = f !== form; });
    popoverTitle.textContent = TITLES[mode] || TITLES.note;
    closeSide(false);
    popover.hidden = false;
    placePopover();
    markPending(span);
    var first = form.querySelector(
      mode === "note" ? "textarea" : "input:not([type=hidden]):checked, input:not([type=hidden]), select, textarea"
    );
    if (first) first.focus({ preventScroll: true });
    if (mode === "cite") askForClaims(form, span);
  }

  // The claim picker lists the claims closest to the selected words: ask for them (htmx).
  function askForClaims(form, span) {
    var box = form.querySelector(".picker input[type=search]");
    var key = span.start + ":" + span.end;
    if (!box || !window.htmx || lastPicked === key) return;
    lastPicked = key;
    window.htmx.trigger(box, "crux:pick");
  }

  function closeForm(restore) {
    if (!popover || popover.hidden) return;
    popover.hidden = true;
    markPending(null);
    var span = open;
    open = openMode = null;
    if (restore && span) {
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(span.range);
      showAdder(span);
      var button = adder.querySelector("button");
      if (button) button.focus({ preventScroll: true });
    }
  }

  function highlightNow(span) {
    if (!highlightForm || !span) return;
    fill(span);
    say("Saving a private highlight…");
    if (highlightForm.requestSubmit) highlightForm.requestSubmit();
    else highlightForm.submit();
  }

  function onSelection() {
    if (!adder || pointerDown) return;
    var span = selectedSpan();
    if (!span) {
      if (!adder.contains(document.activeElement)) hideAdder();
      return;
    }
    if (open && !popover.hidden && span.start === open.start && span.end === open.end) return;
    showAdder(span);
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      say("Selected “" + short(span.text, 80) + "”. Press Tab for Annotate, Highlight or Cite as evidence.");
    }, 600);
  }

  if (adder) {
    var waiting = null;
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(waiting);
      waiting = window.setTimeout(onSelection, 150);
    });
    // Chrome starts no selection on a drag that begins on a link, and highlights are links:
    // while the mouse button is down a highlight is not one (its href is back before the click).
    var unlinked = null;
    var relink = function () {
      if (!unlinked) return;
      unlinked.setAttribute("href", unlinked.dataset.href);
      delete unlinked.dataset.href;
      unlinked = null;
    };
    root.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse") return;
      pointerDown = true;
      hideAdder();
      var link = event.target.closest("a.hl, a.note");
      if (!link || event.button !== 0 || modified(event) || !link.hasAttribute("href")) return;
      relink();
      link.dataset.href = link.getAttribute("href");
      link.removeAttribute("href");
      unlinked = link;
    });
    ["pointerup", "pointercancel", "dragend"].forEach(function (type) {
      document.addEventListener(type, relink, true);
    });
    document.addEventListener("pointerup", function () {
      if (!pointerDown) return;
      pointerDown = false;
      window.setTimeout(onSelection, 10);
    });
    // Keep the selection when the toolbar is pressed.
    adder.addEventListener("mousedown", function (event) { event.preventDefault(); });
    adder.addEventListener("click", function (event) {
      var button = event.target.closest("[data-adder]");
      if (!button || !shown) return;
      var mode = button.dataset.adder;
      if (mode === "highlight") highlightNow(shown);
      else openForm(mode, shown);
    });
    // The toolbar pattern: arrows move between its buttons.
    adder.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(adder.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        var step = event.key === "ArrowRight" ? 1 : -1;
        buttons[(at + step + buttons.length) % buttons.length].focus();
        event.preventDefault();
      } else if (event.key === "Escape") {
        hideAdder();
        event.preventDefault();
      }
    });
    // Tab from a selection in the text goes to the toolbar first.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Tab" || event.shiftKey || adder.hidden || !shown) return;
      var active = document.activeElement;
      if (adder.contains(active)) return;
      if (active && active !== document.body && !root.contains(active)) return;
      var button = adder.querySelector("button");
      if (button) {
        event.preventDefault();
        button.focus({ preventScroll: true });
      }
    });
    window.addEventListener("resize", function () {
      hideAdder();
      placePopover();
    });
  }

  if (popover) {
    popover.addEventListener("click", function (event) {
      if (event.target.closest("[data-adder-close]")) closeForm(true);
    });
    popover.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.target.closest(".mention-list")) {
        closeForm(true);
        event.preventDefault();
      }
    });
    if (window.ResizeObserver) new ResizeObserver(placePopover).observe(popover);
  }

  // ✎ beside a paragraph: the same form, at the paragraph (its page without JavaScript).
  root.addEventListener("click", function (event) {
    var link = event.target.closest(".annotate-link");
    if (!link || !popover || modified(event)) return;
    var block = blockOf(link);
    var span = block && blockSpan(block);
    if (!span) return;
    event.preventDefault();
    openForm("note", span);
  });

  // --- choosing a highlight --------------------------------------------------------------

  var current = [];
  var backTo = null; // the highlight a note was opened from
  var awaitingCitations = false;

  function modified(event) {
    return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
  }

  function stacked() {
    return STACKED.matches;
  }

  function openSide() {
    if (!side || !stacked()) return;
    side.classList.add("is-sheet");
    if (sideBar) sideBar.hidden = false;
  }

  function closeSide(refocus) {
    if (!side || !side.classList.contains("is-sheet")) return;
    side.classList.remove("is-sheet");
    if (sideBar) sideBar.hidden = true;
    if (refocus && backTo) backTo.focus({ preventScroll: true });
  }

  // Scroll the side panel (only the panel) so `element` is at its top, and focus it.
  function reveal(element, focusable) {
    if (!side || !element) return;
    openSide();
    var offset = element.getBoundingClientRect().top - side.getBoundingClientRect().top;
    var top = side.scrollTop + offset - (sideBar && !sideBar.hidden ? sideBar.offsetHeight : 0) - MARGIN;
    side.scrollTo({ top: Math.max(0, top), behavior: CALM.matches ? "auto" : "smooth" });
    var target = focusable || element;
    if (target.focus) target.focus({ preventScroll: true });
  }

  function offsetOf(link) {
    var block = blockOf(link);
    if (!block) return null;
    return parseInt(block.dataset.start, 10) + offsetWithin(block, link, 0);
  }

  function markNotesAt(offset) {
    current.forEach(function (el) { el.classList.remove("is-current"); });
    current = [];
    if (!side || offset === null) return current;
    side.querySelectorAll("[data-note-start]").forEach(function (item) {
      var start = parseInt(item.dataset.noteStart, 10);
      var end = parseInt(item.dataset.noteEnd, 10);
      if (start <= offset && offset < end) {
        item.classList.add("is-current");
        current.push(item);
      }
    });
    return current;
  }

  // A note on another page of notes: fetch that page (as "Show more notes" does) and show
  // the thread at the top of the list.
  function fetchNote(url, id) {
    var list = side && side.querySelector(".note-list");
    if (!list || !window.fetch) return Promise.resolve(null);
    return window.fetch(url, { headers: { "HX-Request": "true", "HX-Target": "notes-more" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var page = new DOMParser().parseFromString("<ol>" + html + "</ol>", "text/html");
        var found = page.getElementById(id);
        if (!found) return null;
        var item = document.importNode(found, true);
        item.classList.add("note-fetched");
        list.insertBefore(item, list.firstChild);
        if (window.htmx) window.htmx.process(item);
        return item;
      })
      .catch(function () { return null; });
  }

  function chooseNote(link, event) {
    var url = new URL(link.href, window.location.href);
    var id = url.hash.slice(1);
    if (!id) return;
    event.preventDefault();
    event.stopPropagation(); // not htmx's boost: the page would reload its citations only
    backTo = link;
    var item = document.getElementById(id);
    if (item) {
      reveal(item);
      return;
    }
    var page = new URL(url.href);
    page.hash = "";
    fetchNote(page.href, id).then(function (fetched) {
      if (fetched) {
        fetched.classList.add("is-current");
        current.push(fetched);
        reveal(fetched);
      } else {
        window.location.href = url.href; // as without JavaScript
      }
    });
  }

  // A cited passage: its claims, swapped into the panel by htmx. Not through hx-boost, which
  // would scroll the page to the link's #passage-N; the address is kept (replaceState) so a
  // reload shows the same.
  function chooseCitation(link, event) {
    if (!window.htmx) return; // hx-boost or the plain link
    event.preventDefault();
    event.stopPropagation();
    backTo = link;
    var url = new URL(link.href, window.location.href);
    url.hash = "";
    awaitingCitations = true;
    window.htmx.ajax("GET", url.href, {
      source: link,
      target: "#citations",
      select: "#citations",
      swap: "outerHTML show:none",
    });
    window.history.replaceState(window.history.state, "", url.href);
  }

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a.note, a.hl");
    if (!link || modified(event)) return;
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && root.contains(selection.anchorNode)) {
      // Selecting words inside a highlight, not choosing it.
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    markNotesAt(offsetOf(link));
    if (/[?&]passage=/.test(link.getAttribute("href") || "")) {
      chooseCitation(link, event);
      return;
    }
    chooseNote(link, event);
  }, true);

  document.body.addEventListener("htmx:afterSettle", function () {
    if (!awaitingCitations) return;
    awaitingCitations = false;
    reveal(document.getElementById("citations"), document.getElementById("citations-title"));
  });

  // From a note or the citations back to the words in the text.
  function backToText(id) {
    var marker = document.getElementById(id);
    if (!marker) return false;
    var target = marker;
    if (marker.classList.contains("anchor")) {
      var next = marker.nextElementSibling;
      while (next && next.classList.contains("anchor")) next = next.nextElementSibling;
      if (next && next.tagName === "A") target = next;
    }
    closeSide(false);
    target.scrollIntoView({ block: "center", behavior: CALM.matches ? "auto" : "smooth" });
    if (target.tagName !== "A" && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    return true;
  }

  if (side) {
    side.addEventListener("click", function (event) {
      var jump = event.target.closest("[data-note-jump], [data-back-to]");
      if (jump && !modified(event)) {
        var id = jump.dataset.backTo || "annotation-" + jump.dataset.noteJump;
        if (backToText(id)) event.preventDefault();
        return;
      }
      if (event.target.closest("[data-side-close]")) closeSide(true);
    });
    side.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && side.classList.contains("is-sheet")) {
        closeSide(true);
        event.preventDefault();
      }
    });
    STACKED.addEventListener("change", function () { closeSide(false); });
  }

  // Arriving at #note-N (as after saving a note): the words in the text, the note beside.
  function arrive() {
    var match = /^#note-(\d+)$/.exec(window.location.hash);
    var marker = match && document.getElementById("annotation-" + match[1]);
    var item = match && document.getElementById("note-" + match[1]);
    if (!marker || !item) return;
    var words = marker.nextElementSibling;
    while (words && words.classList.contains("anchor")) words = words.nextElementSibling;
    if (!words || words.tagName !== "A") words = marker.parentElement;
    words.scrollIntoView({ block: stacked() ? "start" : "center" }); // above a bottom sheet
    backTo = words.tagName === "A" ? words : null;
    markNotesAt(offsetOf(words));
    item.classList.add("is-current");
    current.push(item);
    reveal(item);
  }
  if (document.readyState === "complete") arrive();
  else window.addEventListener("load", arrive);

  // --- showing or hiding the highlights --------------------------------------------------

  var toggle = document.getElementById("highlights-toggle");
  if (toggle) {
    var KEY = "crux.highlights";
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
    var apply = function (on) {
      root.classList.toggle("highlights-off", !on);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
    };
    apply(stored !== "off");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      apply(on);
      try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* not kept */ }
      say(on ? "Highlights shown." : "Highlights hidden.");
    });
  }
})();
