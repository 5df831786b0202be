/* izde: small conveniences on top of pages that work without JavaScript:
   on-screen Kazakh letter keys that type at the caret, and copy buttons for citations. */
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
    var box = button.closest(".cite-body") || button.parentElement;
    var status = box ? box.querySelector(".copy-status") : null;
    function say(message) { if (status) { status.textContent = message; } }
    button.addEventListener("click", function () {
      var text = source.textContent;
      var done = function () { say(button.getAttribute("data-done")); };
      var failed = function () {
        if (fallbackCopy(text)) { done(); return; }
        selectText(source);
        say(button.getAttribute("data-failed"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
    button.hidden = false;
  }

  function start() {
    document.querySelectorAll("[data-letters]").forEach(setupLetters);
    document.querySelectorAll("button[data-copy]").forEach(setupCopy);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
