/* The page behaviours that used to be inline handlers (onsubmit, onchange, onclick, onkeydown),
   which a Content-Security-Policy without 'unsafe-inline' refuses to run. Delegated from the
   document, so fragments swapped in by htmx get them too.
   - form[data-confirm]: asks before submitting;
   - select[data-autosubmit]: submits its form on change;
   - button[data-tree-toggle]: opens or closes its tree node;
   - input[data-enter-search]: Enter fires htmx's "search" instead of submitting the form;
   - a form that posts and leaves the page gets a key of its own (`_submission`): the server
     applies it once (core/submissions.py), and a second submit while the first is on its way
     (a double tap on a slow phone) is not sent. */
(function () {
  "use strict";
  function leavesPage(form) {
    return form.method === "post" && !form.hasAttribute("hx-post") && !form.hasAttribute("data-hx-post");
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // randomUUID needs HTTPS; intranets often have none
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function keyForms(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form") : [];
    Array.prototype.forEach.call(forms, function (form) {
      if (!leavesPage(form) || form.elements.namedItem("_submission")) { return; }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "_submission";
      input.value = newKey();
      form.appendChild(input);
    });
  }
  keyForms(document);
  document.addEventListener("htmx:load", function (event) { keyForms(event.target); });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), function (form) {
      delete form.dataset.submitting;
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (!leavesPage(form)) { return; }
    if (form.dataset.submitting) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.dataset.submitting = "1";
    // A form whose answer stays on the page (a download, a network error) can be sent again
    // after a while; the server still applies a repeated key once.
    window.setTimeout(function () { delete form.dataset.submitting; }, 10000);
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
