/* The page shell's behaviour, from a static file (the CSP allows no inline script):
   the phone's menu button, folded filters and keyboard-scrollable tables (the selects that
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

  // Long filter forms start folded on a phone, so that the list is on the first screen.
  function foldOnPhone() {
    if (!window.matchMedia("(max-width: 640px)").matches) return;
    document.querySelectorAll("details[data-close-narrow]").forEach(function (details) {
      details.open = false;
    });
  }

  // A wide table that scrolls in its own box must be reachable by keyboard to be scrolled.
  function focusableScrollers() {
    document.querySelectorAll("table.table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldOnPhone();
    focusableScrollers();
    initMenu();
  });
})();
