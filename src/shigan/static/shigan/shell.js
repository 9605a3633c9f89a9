/* The page shell's behaviour, from a static file (the CSP allows no inline script):
   the phone's menu button and its current entry, folded filters, tables that keep long text readable and scroll by keyboard,
   the cells of card lists labelled with their column's heading,
   the first error of a form brought into view (the selects that
   submit their form when changed are shigan.js's).
   Loaded in <head> without `defer` so that the `js` class is set before the page is drawn:
   without it (no JavaScript) the menu is simply always open. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setOpen(button, menu, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  }

  function initMenu() {
    var button = document.querySelector(".menu-toggle");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.addEventListener("click", function () {
      setOpen(button, menu, button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives the focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        setOpen(button, menu, false);
        button.focus();
      }
    });
  }

  // The menu says where one is: the entry whose address is the longest start of this page's
  // (the menu is cached for everyone alike, so the page cannot say it).
  function markCurrent() {
    var best = null;
    document.querySelectorAll(".mainnav a").forEach(function (link) {
      var path = link.pathname;
      if (path !== "/" && location.pathname.indexOf(path) === 0 &&
          (!best || path.length > best.pathname.length)) {
        best = link;
      }
    });
    if (best) best.setAttribute("aria-current", "page");
  }

  // Long filter forms start folded on a phone, so that the list is on the first screen.
  function foldOnPhone() {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    document.querySelectorAll("details[data-close-narrow]").forEach(function (details) {
      details.open = false;
    });
  }

  // On a phone a table that is not a card list scrolls in its own box, but the browser first
  // squeezes its columns to the screen: Chinese breaks anywhere, so a long title or unit name
  // became a column of two characters a line. A cell of long text keeps a readable width
  // (CSS: td.long-text, td.middle-text) and the table scrolls instead. Then: a wide table
  // that scrolls in its own box must be reachable by keyboard to be scrolled.
  var MIDDLE_TEXT = 12, LONG_TEXT = 30;  // characters: a unit's full name, a title

  function fitTables(root) {
    if (!root.querySelectorAll) return;
    if (window.matchMedia("(max-width: 640px)").matches) {
      root.querySelectorAll("table.table:not(.cards) td").forEach(function (cell) {
        var length = cell.textContent.trim().length;
        if (length > LONG_TEXT) cell.classList.add("long-text");
        else if (length > MIDDLE_TEXT) cell.classList.add("middle-text");
      });
    }
    root.querySelectorAll("table.table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      }
    });
  }

  // A list shown as cards on a phone labels each value with its column's heading (data-label,
  // CSS): a cell the template did not label takes the heading of its column, so that a table
  // is turned into cards by its class alone and each heading is written once, in its head.
  // The label is set as an attribute (shown by CSS), never as markup. Cells spanning columns
  // (an empty list's message), the card's title and cells hidden on a phone are not labelled.
  function labelCards(root) {
    if (!root.querySelectorAll) return;
    var tables = Array.prototype.slice.call(root.querySelectorAll("table.cards"));
    var around = root.closest && root.closest("table.cards");
    if (around) tables.push(around);
    tables.forEach(function (table) {
      var head = table.tHead && table.tHead.rows[0], labels = [];
      if (!head) return table.classList.add("labelled");
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < th.colSpan; i++) labels.push(th.colSpan === 1 ? th.textContent.trim() : "");
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody > tr, tfoot > tr"), function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var label = labels[column];
          column += cell.colSpan;
          if (cell.colSpan !== 1 || !label || cell.hasAttribute("data-label") ||
              cell.classList.contains("card-title") || cell.classList.contains("card-hide")) return;
          cell.setAttribute("data-label", label);
        });
      });
      table.classList.add("labelled");  // the CSS turns it into cards only now
    });
  }

  // A form sent back with errors: the first field in error gets the focus (not the field with
  // `autofocus`, which is the first of the form) and is brought into view, on a phone often
  // below the fold; a message for the whole form is brought into view. After foldOnPhone.
  function showFirstError() {
    var field = document.querySelector(
      ".field.has-error input:not([type=hidden]), .field.has-error select, .field.has-error textarea"
    );
    var target = field ? field.closest(".field") : document.querySelector(".form-errors");
    if (!target) return;
    document.querySelectorAll("[autofocus]").forEach(function (element) {
      element.removeAttribute("autofocus");
    });
    for (var details = target.closest("details"); details; details = details.parentElement.closest("details")) {
      details.open = true;  // an error in a folded part (filters, 更多) unfolds it
    }
    if (field) field.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldOnPhone();
    showFirstError();
    labelCards(document);
    fitTables(document);
    markCurrent();
    initMenu();
  });
  document.addEventListener("htmx:load", function (event) {
    labelCards(event.target);
    fitTables(event.target);
  });
})();
