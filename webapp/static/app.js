/* izde: small conveniences on top of pages that work without JavaScript:
   on-screen Kazakh letter keys that type at the caret, copy buttons for citations, and
   search as you type with word completions. */
(function () {
  "use strict";

  function insertAtCaret(input, text) {
    var value = input.value;
    var start = typeof input.selectionStart === "number" ? input.selectionStart : value.length;
    var end = typeof input.selectionEnd === "number" ? input.selectionEnd : value.length;
    var max = input.maxLength > 0 ? input.maxLength : Infinity;
    if (value.length - (end - start) + text.length > max) { return; }
    input.value = value.slice(0, start) + text + value.slice(end);
    var caret = start + text.length;
    input.focus();
    input.setSelectionRange(caret, caret);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The letter keys type into the search field used last (the word field on the term page).
  var lastInput = null;
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.tagName === "INPUT" && (el.type === "search" || el.type === "text")) {
      lastInput = el;
    }
  });

  function setupLetters(group) {
    var shift = group.querySelector("[data-shift]");
    var keys = group.querySelectorAll("[data-insert]");
    var upper = false;

    function paint() {
      keys.forEach(function (key) {
        var letter = key.getAttribute("data-insert");
        key.textContent = upper ? letter.toLocaleUpperCase("kk") : letter;
      });
      if (shift) { shift.setAttribute("aria-pressed", upper ? "true" : "false"); }
    }

    keys.forEach(function (key) {
      // Keep the focus (and so the caret) in the search box when a key is clicked.
      key.addEventListener("mousedown", function (event) { event.preventDefault(); });
      key.addEventListener("click", function (event) {
        var input = lastInput || document.getElementById(key.getAttribute("data-target") || "q");
        if (!input) { return; }
        var letter = key.getAttribute("data-insert");
        if (upper || event.shiftKey) { letter = letter.toLocaleUpperCase("kk"); }
        insertAtCaret(input, letter);
        if (upper) { upper = false; paint(); }
      });
    });
    if (shift) {
      shift.addEventListener("mousedown", function (event) { event.preventDefault(); });
      shift.addEventListener("click", function () { upper = !upper; paint(); });
    }
    group.hidden = false;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function setupCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    // "Copy quote with citation": the paragraph's text, a blank line, then the citation.
    var quote = button.getAttribute("data-quote");
    var quoted = quote ? document.getElementById(quote) : null;
    var box = button.closest(".cite-body") || button.parentElement;
    var status = box ? box.querySelector(".copy-status") : null;
    function say(message) { if (status) { status.textContent = message; } }
    button.addEventListener("click", function () {
      var text = source.textContent;
      if (quoted) { text = "«" + quoted.textContent.trim() + "»\n\n" + text; }
      var done = function () { say(document.body.getAttribute("data-copied")); };
      var failed = function () {
        if (fallbackCopy(text)) { done(); return; }
        selectText(source);
        say(document.body.getAttribute("data-copy-failed"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
    button.hidden = false;
  }

  // A document's paragraph citation box links to the paragraph's /cite page; with
  // JavaScript it fills itself from that page when first opened, and offers to copy the
  // paragraph's text with its citation.
  function setupCiteLink(link) {
    var box = link.closest("details");
    if (!box) { return; }
    box.addEventListener("toggle", function () {
      if (!box.open || box.getAttribute("data-loaded")) { return; }
      box.setAttribute("data-loaded", "1");
      fetch(link.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .catch(function () { return null; })
        .then(function (html) {
          if (html) { fillCite(link, new DOMParser().parseFromString(html, "text/html")); }
        });
    });
  }

  function fillCite(link, page) {
    var id = link.getAttribute("data-cite");
    var body = link.closest(".cite-body");
    var first = body.firstElementChild;
    function add(el) { body.insertBefore(el, first); return el; }
    function make(tag, cls, text) {
      var el = document.createElement(tag);
      el.className = cls;
      el.textContent = text;
      return el;
    }
    ["gost", "apa"].forEach(function (style) {
      var text = page.getElementById("cite-" + style);
      var heading = page.getElementById(style + "-h");
      var button = page.querySelector('button[data-copy="cite-' + style + '"]');
      if (!text || !heading || !button) { return; }
      var label = add(make("p", "cite-label", heading.textContent));
      label.id = id + "-" + style + "-label";
      var pre = add(make("pre", "cite-text", text.textContent));
      pre.id = id + "-" + style;
      pre.setAttribute("aria-labelledby", label.id);
      var copy = add(make("button", "copy", button.textContent));
      copy.type = "button";
      copy.setAttribute("data-copy", pre.id);
      setupCopy(copy);
    });
    var article = link.closest("article");
    var section = link.closest("section");
    var para = section ? section.querySelector(".para-text") : null;
    if (article && para && para.id) {
      var quote = make("button", "copy", article.getAttribute("data-quote-label"));
      quote.type = "button";
      quote.setAttribute("data-copy", id + "-" + article.getAttribute("data-quote-style"));
      quote.setAttribute("data-quote", para.id);
      add(make("p", "cite-quote", "")).appendChild(quote);
      setupCopy(quote);
    }
  }

  // -- search as you type -----------------------------------------------------------------
  // The plain form still submits as before. With JavaScript, results of the page /search
  // replace <main> while typing (debounced; a newer keystroke aborts the older request),
  // and the word being typed is completed from the index (/api/complete).

  var DELAY = 250;

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function latest() {
    // A fetch that a later call aborts; resolves to null when superseded.
    var controller = null;
    return function (url) {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var mine = controller;
      return fetch(url, { signal: mine.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok || r.status === 400 ? r : null; })
        .catch(function () { return null; })
        .then(function (r) { return mine === controller ? r : null; });
    };
  }

  function setupLive(input) {
    var main = document.getElementById("main");
    var form = input.form;
    var liveUrl = input.getAttribute("data-live");
    var completeUrl = input.getAttribute("data-complete");
    if (!main || !form || !window.fetch || !window.AbortController || !window.DOMParser) { return; }
    var getPage = latest();
    var getWords = latest();
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.appendChild(status);

    var list = document.createElement("ul");
    list.id = "q-suggest";
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;

    function params() {
      var data = new FormData(form);
      var out = new URLSearchParams();
      data.forEach(function (value, key) { if (value) { out.append(key, value); } });
      return out.toString();
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && items[i]) { input.setAttribute("aria-activedescendant", items[i].id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }

    function choose(word) {
      var value = input.value;
      var m = /(\S*)$/.exec(value);
      var head = value.slice(0, value.length - m[1].length);
      var lead = /^[-=«"“(]*/.exec(m[1])[0];
      input.value = head + lead + word;
      close();
      input.focus();
      if (live) { refresh(); }
    }

    function show(words) {
      close();
      if (!words.length) { return; }
      words.forEach(function (w, k) {
        var li = document.createElement("li");
        li.id = "q-suggest-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("lang", "kk");
        li.textContent = w.word;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(w.word); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function refresh() {
      var q = input.value.trim();
      if (q.length < 2) { return; }
      var query = params();
      getPage(liveUrl + "?" + query).then(function (r) {
        return r ? r.text() : null;
      }).then(function (html) {
        if (html === null || input.value.trim() !== q) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("main");
        if (!fresh) { return; }
        main.replaceChildren.apply(main, Array.from(fresh.childNodes));
        document.title = doc.title;
        history.replaceState(null, "", liveUrl + "?" + query);
        var count = main.querySelector(".count");
        status.textContent = count ? count.textContent.replace(/\s+/g, " ").trim() : "";
        enhance(main);
      });
    }

    var suggest = debounce(function () {
      var m = /(\S*)$/.exec(input.value);
      if (!m || m[1].length < 2) { close(); return; }
      getWords(completeUrl + "?q=" + encodeURIComponent(m[1])).then(function (r) {
        return r ? r.json() : null;
      }).then(function (data) {
        if (data && document.activeElement === input) { show(data.completions || []); }
      });
    }, DELAY);

    // Results replace the page only on the search page; elsewhere (a document) typing
    // completes words and the form is submitted as usual.
    var live = document.body.classList.contains("page-search");
    var later = debounce(refresh, DELAY);
    input.addEventListener("input", function () { suggest(); if (live) { later(); } });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    input.addEventListener("keydown", function (event) {
      var items = list.querySelectorAll("[role=option]");
      if (list.hidden || !items.length) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); mark((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
      else if (event.key === "Escape") { close(); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active].textContent); }
    });
  }

  function enhance(root) {
    root.querySelectorAll("button[data-copy]").forEach(setupCopy);
    root.querySelectorAll("a[data-cite]").forEach(setupCiteLink);
  }

  function start() {
    document.querySelectorAll("[data-letters]").forEach(setupLetters);
    enhance(document);
    var input = document.querySelector("input[data-complete]");
    if (input) { setupLive(input); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
