// A form sent again as it was sent before (Back and save, a form reopened and filled the
// same way soon after) goes with the one-time token of its first sending, so the server
// shows what that first submission saved instead of saving it twice (web/once.py).
// Browsers fetch the page again on Back and put the typed text back, but the page's
// hidden token is a new one; this keeps the first.
(function () {
  "use strict";
  var PREFIX = "hogatar.sent:";
  // The same content sent again after this long is a new record, not a resubmission.
  var WITHIN_MS = 60 * 60 * 1000;
  var PAGE_ONLY = { csrf_token: 1, form_token: 1, expected_version: 1, apply_again: 1 };

  function fingerprint(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      if (!PAGE_ONLY[name] && typeof value === "string") parts.push([name, value]);
    });
    if (!parts.length) {
      // A button with nothing typed (a step of the case): the same press at the same
      // version of the case is a resubmission, at a later version a new step.
      var version = form.querySelector('input[name="expected_version"]');
      parts.push(["expected_version", version ? version.value : ""]);
    }
    return PREFIX + form.action + "\n" + JSON.stringify(parts);
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var token = form.querySelector('input[name="form_token"]');
      if (!token) return;
      var key = fingerprint(form);
      try {
        var sent = JSON.parse(window.sessionStorage.getItem(key) || "null");
        if (sent && Date.now() - sent.at < WITHIN_MS) token.value = sent.token;
        else window.sessionStorage.setItem(key, JSON.stringify({ token: token.value, at: Date.now() }));
      } catch (error) {
        // No storage (a private window's quota): the form is sent with its own token.
      }
    },
    true
  );
})();
