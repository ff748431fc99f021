/*
 * @username suggestions in note boxes. A textarea with data-mentions="<url>" (a note's
 * reply box: debates/views/mentions.py) asks "<url>?q=<letters>" while its writer types
 * "@" and the first letters of a name, and lists the people who match under the box:
 * Up/Down to move, Enter or Tab (or a click) to pick, Escape to close. Picking writes
 * "@username " in place of what was typed. The server suggests only people who may read
 * the note, and notifies those the saved note mentions. Without JavaScript a mention is
 * typed in full and works the same. No inline script or style (CSP): the list is styled by
 * .mention-list in views.css.
 */
(function () {
  "use strict";

  // "@" at the start or after a character that cannot end a name or an address, then the
  // letters typed so far, up to the caret.
  const TYPED = /(^|[^\p{L}\p{N}_.+@-])@([\p{L}\p{N}_.+-]{0,150})$/u;
  const WAIT_MS = 150;

  let box = null; // the textarea whose suggestions are shown
  let list = null; // the <ul role="listbox">
  let active = -1; // index of the highlighted option
  let asked = 0; // request counter: an older answer arriving late is ignored
  let timer = null;
  let counter = 0;

  function typedMention(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    if (textarea.selectionStart !== textarea.selectionEnd) return null;
    const match = TYPED.exec(before);
    if (!match) return null;
    return { start: before.length - match[2].length - 1, prefix: match[2] };
  }

  function options() {
    return list ? Array.from(list.querySelectorAll("[role=option]")) : [];
  }

  function close() {
    if (list) list.remove();
    if (box) {
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }
    list = null;
    box = null;
    active = -1;
  }

  function highlight(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    box.setAttribute("aria-activedescendant", all[active].id);
  }

  function pick(option) {
    const textarea = box;
    const found = textarea && typedMention(textarea);
    if (!found) return close();
    const name = "@" + option.dataset.username + " ";
    const value = textarea.value;
    const caret = textarea.selectionStart;
    textarea.value = value.slice(0, found.start) + name + value.slice(caret);
    const at = found.start + name.length;
    textarea.setSelectionRange(at, at);
    close();
    textarea.focus();
  }

  function show(textarea, people) {
    close();
    if (!people.length) return;
    if (!textarea.id) textarea.id = "mention-box-" + ++counter;
    box = textarea;
    list = document.createElement("ul");
    list.className = "mention-list";
    list.id = textarea.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    people.forEach((person, i) => {
      const option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.username = person.username;
      const name = document.createElement("span");
      name.className = "mention-name";
      name.textContent = person.name;
      const handle = document.createElement("span");
      handle.className = "mention-handle";
      handle.textContent = " @" + person.username;
      option.append(name, handle);
      // mousedown, not click: the textarea must not lose its caret first.
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        pick(option);
      });
      list.append(option);
    });
    textarea.insertAdjacentElement("afterend", list);
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  function ask(textarea) {
    const found = typedMention(textarea);
    if (!found) return close();
    const mine = ++asked;
    const url = new URL(textarea.dataset.mentions, window.location.href);
    url.searchParams.set("q", found.prefix);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        // Only the newest question's answer, and only if the writer is still there.
        if (mine !== asked || document.activeElement !== textarea) return;
        if (!typedMention(textarea)) return close();
        show(textarea, data.results || []);
      })
      .catch(() => close());
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.mentions) return;
    textarea.setAttribute("aria-autocomplete", "list");
    clearTimeout(timer);
    if (!typedMention(textarea)) return close();
    timer = setTimeout(() => ask(textarea), WAIT_MS);
  });

  document.addEventListener("keydown", (event) => {
    if (!list || event.target !== box) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      pick(options()[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("focusout", (event) => {
    if (event.target === box) close();
  });
})();
