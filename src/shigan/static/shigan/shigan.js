/* The page behaviours that used to be inline handlers (onsubmit, onchange, onclick, onkeydown),
   which a Content-Security-Policy without 'unsafe-inline' refuses to run. Delegated from the
   document, so fragments swapped in by htmx get them too.
   - form[data-confirm]: asks before submitting;
   - select[data-autosubmit]: submits its form on change;
   - button[data-tree-toggle]: opens or closes its tree node;
   - input[data-enter-search]: Enter fires htmx's "search" instead of submitting the form. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-tree-toggle]");
    if (!button) { return; }
    button.setAttribute("aria-expanded", button.getAttribute("aria-expanded") !== "true");
    button.closest("li").classList.toggle("open");
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && el.matches && el.matches("input[data-enter-search]")) {
      event.preventDefault();
      if (window.htmx) { window.htmx.trigger(el, "search"); }
    }
  });
})();
