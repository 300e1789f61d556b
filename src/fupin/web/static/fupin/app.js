// Small behaviours the pages ask for with data attributes (the Content-Security-Policy allows no
// inline script): data-print prints the page, data-autosubmit submits its form on change,
// data-confirm (on a form or on the button that submits it) asks before the form is sent,
// data-back goes back, data-compare opens a comparison.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-print], [data-back]");
    if (!el) { return; }
    event.preventDefault();
    if (el.hasAttribute("data-print")) { window.print(); } else { window.history.back(); }
  });
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) { el.form.submit(); }
  });
  // The question names what will happen: "{field}" in it is replaced by what the form's field
  // holds now (a select's chosen option text, an input's value).
  function confirmText(form, text) {
    return text.replace(/\{([\w-]+)\}/g, function (all, name) {
      var field = form.elements[name];
      if (!field) { return all; }
      if (field.options && field.selectedIndex >= 0) { return field.options[field.selectedIndex].text; }
      return field.value || "";
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var asker = event.submitter && event.submitter.hasAttribute("data-confirm") ? event.submitter : form;
    if (asker.hasAttribute("data-confirm") &&
        !window.confirm(confirmText(form, asker.getAttribute("data-confirm")))) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-compare")) {
      event.preventDefault();
      window.location.href = form.action.replace("/0/", "/" + encodeURIComponent(form.elements.other.value) + "/");
    }
  });
})();
