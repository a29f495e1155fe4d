// A button that adds a numbered row ("Add another member") sends the row's number,
// counted in the page: `data-number-of` names the rows already there (a CSS selector).
// This replaces htmx's `hx-vals="js:..."`, which evaluates text as code: the pages'
// Content-Security-Policy allows no eval, and htmx runs with allowEval off.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    var rows = source && source.getAttribute && source.getAttribute("data-number-of");
    if (rows) event.detail.parameters.index = document.querySelectorAll(rows).length + 1;
  });
})();
