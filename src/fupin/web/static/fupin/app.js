// Small behaviours the pages ask for with data attributes (the Content-Security-Policy allows no
// inline script): data-print prints the page, data-autosubmit submits its form on change,
// data-confirm asks before a form is sent, data-back goes back, data-compare opens a comparison.
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
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-compare")) {
      event.preventDefault();
      window.location.href = form.action.replace("/0/", "/" + encodeURIComponent(form.elements.other.value) + "/");
    }
  });
})();
