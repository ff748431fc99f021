/* Crux reader: turn a text selection into character offsets of the source.
 *
 * Every block of the source carries data-start (its offset in the stored text). Elements
 * marked data-skip (badges, the ✎ link) are not source text and are left out of the
 * count. The forms in the side panel are ordinary forms; this script only fills in their
 * start/end fields and shows them. Works with mouse, touch and keyboard selections
 * (caret browsing), since it listens to selectionchange.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-annotatable]");
  var panel = document.getElementById("annotate-panel");
  if (!root || !panel) return;
  var forms = [document.getElementById("annotate-form"), document.getElementById("cite-form")];
  var citeDetails = document.getElementById("cite-details");
  var preview = document.getElementById("selection-preview");
  var quote = document.getElementById("selection-quote");
  var hint = document.getElementById("annotate-hint");

  function blockOf(node) {
    var element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    return element ? element.closest("[data-start]") : null;
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

  function boundary(node, offset, isEnd) {
    var block = blockOf(node);
    if (!block || !root.contains(block)) return null;
    var start = parseInt(block.dataset.start, 10);
    var end = parseInt(block.dataset.end, 10);
    var value = start + offsetWithin(block, node, offset);
    return Math.max(start, Math.min(value, end));
  }

  function currentSpan() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return null;
    var start = boundary(range.startContainer, range.startOffset, false);
    var end = boundary(range.endContainer, range.endOffset, true);
    if (start === null || end === null || end <= start) return null;
    var text = selection.toString().trim();
    if (!text) return null;
    return { start: start, end: end, text: text };
  }

  function fill(span) {
    forms.forEach(function (form) {
      if (!form) return;
      form.querySelector("[name$=start]").value = span.start;
      form.querySelector("[name$=end]").value = span.end;
    });
    quote.textContent = span.text.length > 300 ? span.text.slice(0, 297) + "…" : span.text;
    preview.hidden = false;
    forms[0].hidden = false;
    if (citeDetails) citeDetails.hidden = false;
    hint.textContent = "Write a note for the selected words, or use them as evidence.";
  }

  var pending = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var span = currentSpan();
      if (span) fill(span);
    }, 150);
  });

  // A selection inside a highlight link should not follow the link.
  root.addEventListener("click", function (event) {
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed && event.target.closest("a")) event.preventDefault();
  });
})();
