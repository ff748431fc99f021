/* Keyboard navigation for the map outline: the WAI-ARIA tree pattern.
 *
 * The server renders the tree roles (tree, treeitem, group) and <details> elements, so
 * without this script the outline is a plain nested list with links and disclosure
 * widgets. With it, the tree takes one Tab stop (a roving tabindex) and arrow keys move
 * between claims: Down/Up to the next/previous visible claim, Right expands or enters a
 * claim's replies, Left collapses or climbs to the parent, Home/End jump to the ends and
 * Enter opens the claim. Keys pressed in forms, buttons and toolbars inside a claim card
 * are left alone so those controls keep working. After htmx swaps #map-tree the tree is
 * set up again and the focused claim, if still there, keeps focus.
 */
(function () {
  "use strict";

  var TREE = '[role="tree"]';
  var ITEM = '[role="treeitem"]';
  // Targets whose keys belong to the control, not to the tree.
  var CONTROLS =
    'input, select, textarea, button, form, dialog, [contenteditable="true"], ' +
    '[role="toolbar"], [role="menu"], [role="dialog"], .node-actions';

  var lastFocusedId = null;
  // Whether keyboard focus was in the tree when a swap took its element away; then the
  // same claim gets focus back. Focus the person moved elsewhere is never pulled back.
  var restoreFocus = false;
  var treeHadFocus = false;

  function treeOf(el) {
    return el.closest(TREE);
  }

  function ownDetails(item) {
    for (var i = 0; i < item.children.length; i++) {
      if (item.children[i].tagName === "DETAILS") return item.children[i];
    }
    return null;
  }

  function ownLink(item) {
    return item.querySelector(":scope > .claim-card .claim-text");
  }

  function parentItem(item) {
    var parent = item.parentElement && item.parentElement.closest(ITEM);
    return parent && treeOf(parent) === treeOf(item) ? parent : null;
  }

  function isVisible(item, tree) {
    var details = item.parentElement.closest("details");
    while (details && tree.contains(details)) {
      if (!details.open) return false;
      details = details.parentElement.closest("details");
    }
    return true;
  }

  function visibleItems(tree) {
    return Array.prototype.filter.call(tree.querySelectorAll(ITEM), function (item) {
      return isVisible(item, tree);
    });
  }

  function syncExpanded(item) {
    var details = ownDetails(item);
    if (details) item.setAttribute("aria-expanded", details.open ? "true" : "false");
  }

  function focusItem(tree, item) {
    if (!item) return;
    tree.querySelectorAll(ITEM).forEach(function (other) {
      if (other !== item) {
        other.setAttribute("tabindex", "-1");
        other.setAttribute("aria-selected", "false");
      }
    });
    item.setAttribute("tabindex", "0");
    item.setAttribute("aria-selected", "true");
    item.focus();
    lastFocusedId = item.id || null;
  }

  function setExpanded(item, open) {
    var details = ownDetails(item);
    if (!details || details.open === open) return false;
    details.open = open;
    syncExpanded(item);
    return true;
  }

  function openItem(tree, item) {
    var link = ownLink(item);
    if (!link) return;
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) === "#") {
      // A cross-link points at the claim elsewhere in this tree: go there.
      var target = document.getElementById(href.slice(1));
      if (target && target.matches(ITEM) && tree.contains(target)) {
        revealItem(target);
        focusItem(tree, target);
        target.scrollIntoView({ block: "nearest" });
        return;
      }
    }
    link.click();
  }

  function revealItem(item) {
    var parent = parentItem(item);
    while (parent) {
      setExpanded(parent, true);
      parent = parentItem(parent);
    }
  }

  function onKeydown(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var tree = event.currentTarget;
    var target = event.target;
    var item = target.closest(ITEM);
    if (!item || treeOf(item) !== tree) return;
    if (target !== item && target.closest(CONTROLS)) return;
    var items = visibleItems(tree);
    var index = items.indexOf(item);
    var handled = true;
    switch (event.key) {
      case "ArrowDown":
        focusItem(tree, items[index + 1]);
        break;
      case "ArrowUp":
        focusItem(tree, items[index - 1]);
        break;
      case "ArrowRight": {
        var details = ownDetails(item);
        if (details && !details.open) {
          setExpanded(item, true);
        } else if (details) {
          focusItem(tree, details.querySelector(ITEM));
        }
        break;
      }
      case "ArrowLeft":
        if (!setExpanded(item, false)) focusItem(tree, parentItem(item));
        break;
      case "Home":
        focusItem(tree, items[0]);
        break;
      case "End":
        focusItem(tree, items[items.length - 1]);
        break;
      case "Enter":
        // On a link or summary inside the card, Enter already does the native thing.
        if (target !== item) return;
        openItem(tree, item);
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  function onFocusin(event) {
    var tree = event.currentTarget;
    var item = event.target.closest(ITEM);
    if (!item || treeOf(item) !== tree) return;
    if (item.getAttribute("tabindex") !== "0") {
      tree.querySelectorAll('[role="treeitem"][tabindex="0"]').forEach(function (other) {
        other.setAttribute("tabindex", "-1");
        other.setAttribute("aria-selected", "false");
      });
      item.setAttribute("tabindex", "0");
      item.setAttribute("aria-selected", "true");
    }
    lastFocusedId = item.id || null;
    treeHadFocus = true;
  }

  function onFocusout(event) {
    var left = event.target;
    setTimeout(function () {
      if (!left.isConnected) return; // removed by a swap, not left by the person
      var active = document.activeElement;
      treeHadFocus = Boolean(active && active.closest && active.closest(TREE));
    }, 0);
  }

  function wantsFocusBack() {
    var active = document.activeElement;
    return (restoreFocus || treeHadFocus) && (!active || active === document.body);
  }

  function onToggle(event) {
    var details = event.target;
    if (details.tagName !== "DETAILS") return;
    var item = details.parentElement && details.parentElement.closest(ITEM);
    if (!item) return;
    syncExpanded(item);
    // Collapsing with the mouse must not leave keyboard focus on a hidden claim.
    var tree = event.currentTarget;
    if (!details.open && details.contains(document.activeElement)) focusItem(tree, item);
  }

  function prepare(items) {
    items.forEach(function (item) {
      item.setAttribute("tabindex", "-1");
      item.setAttribute("aria-selected", "false");
      // Level from the markup itself, so fragments rendered on their own stay right.
      var level = 1;
      for (var p = parentItem(item); p; p = parentItem(p)) level++;
      item.setAttribute("aria-level", String(level));
      syncExpanded(item);
      // One Tab stop for the tree: its own links and disclosure toggles are reached
      // with the arrow keys and Enter instead (toolbars inside the card keep theirs).
      var link = ownLink(item);
      if (link) link.setAttribute("tabindex", "-1");
      var details = ownDetails(item);
      if (details && details.firstElementChild && details.firstElementChild.tagName === "SUMMARY") {
        details.firstElementChild.setAttribute("tabindex", "-1");
      }
    });
  }

  function setUp(tree) {
    if (tree.dataset.outlineReady) return;
    tree.dataset.outlineReady = "1";
    var all = tree.querySelectorAll(ITEM);
    if (!all.length) return;
    prepare(all);
    var current = lastFocusedId && document.getElementById(lastFocusedId);
    if (!current || !tree.contains(current)) {
      var hashed = location.hash && document.getElementById(location.hash.slice(1));
      current = hashed && hashed.matches(ITEM) && tree.contains(hashed) ? hashed : all[0];
    }
    current.setAttribute("tabindex", "0");
    tree.addEventListener("keydown", onKeydown);
    tree.addEventListener("focusin", onFocusin);
    tree.addEventListener("focusout", onFocusout);
    tree.addEventListener("toggle", onToggle, true);
    var hintId = tree.getAttribute("aria-describedby");
    var hint = hintId && document.getElementById(hintId);
    if (hint) hint.hidden = false;
    if (wantsFocusBack()) {
      revealItem(current);
      focusItem(tree, current);
    }
    restoreFocus = false;
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    // A claim swapped into a tree that is already set up (a new reply, an edited card):
    // give it and its replies their level and tab stops, and its parent its expanded state.
    var host = root.closest && root.closest(TREE);
    if (host && host.dataset.outlineReady && host !== root) {
      var fresh = Array.prototype.slice.call(root.querySelectorAll(ITEM));
      var own = root.closest(ITEM);
      if (own && host.contains(own)) fresh.unshift(own);
      prepare(fresh);
      fresh.forEach(function (item) {
        var parent = parentItem(item);
        if (parent) syncExpanded(parent);
      });
      if (!host.querySelector('[role="treeitem"][tabindex="0"]')) {
        var keep = lastFocusedId && document.getElementById(lastFocusedId);
        keep = keep && host.contains(keep) ? keep : host.querySelector(ITEM);
        if (keep) keep.setAttribute("tabindex", "0");
        if (keep && wantsFocusBack()) focusItem(host, keep);
      }
      restoreFocus = false;
      return;
    }
    if (root.matches && root.matches(TREE)) setUp(root);
    root.querySelectorAll(TREE).forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var active = document.activeElement;
    var target = event.detail && event.detail.target;
    restoreFocus = Boolean(active && target && target.contains(active) && active.closest(TREE));
  });
  document.addEventListener("htmx:afterSwap", function () {
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    init(event.detail && event.detail.elt);
  });
})();
