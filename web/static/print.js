// The printable case summary's button: the browser's print dialog (A4, by the print
// stylesheet in app.css). A file, not an inline handler: the Content-Security-Policy
// allows scripts from this site only.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
