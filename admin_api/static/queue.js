/* mailwarden review queue: keyboard shortcuts as a progressive enhancement (the page works
   without this file). j/k move, x select, Enter open, r release, d reject, / search, ? help.
   r and d never decide without the comment: with an empty comment they put the cursor there. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[data-id]"));
  var current = -1;
  function typing(target) {
    var tag = (target && target.tagName) || "";
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  function move(to) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("current"); }
    current = Math.max(0, Math.min(rows.length - 1, to));
    rows[current].classList.add("current");
    var link = rows[current].querySelector("a.open");
    if (link) { link.focus(); }
  }
  function decide(action) {
    var comment = document.getElementById("bulk-comment");
    var button = document.getElementById(action === "release" ? "bulk-release" : "bulk-reject");
    if (!comment || !button) { return; }
    if (!document.querySelector("input[name=ids]:checked") && current >= 0) {
      var box = rows[current].querySelector("input[name=ids]");
      if (box && !box.disabled) { box.checked = true; }
    }
    if (!comment.value.trim()) {
      comment.dataset.pending = action;
      comment.focus();
      return;
    }
    button.click();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    switch (event.key) {
      case "j": move(current + 1); break;
      case "k": move(current - 1); break;
      case "x":
        if (current >= 0) {
          var box = rows[current].querySelector("input[name=ids]");
          if (box && !box.disabled) { box.checked = !box.checked; }
        }
        break;
      case "r": decide("release"); break;
      case "d": decide("reject"); break;
      case "/": var q = document.getElementById("q"); if (q) { q.focus(); q.select(); } break;
      case "?": var help = document.getElementById("shortcuts"); if (help) { help.open = !help.open; } break;
      default: return;
    }
    event.preventDefault();
  });
})();
