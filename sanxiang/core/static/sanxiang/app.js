// Page behaviour shared by every staff page. No inline script anywhere (Content-Security-Policy,
// ADR 0077): templates mark elements with data-* attributes and this file wires them up.
"use strict";

// <select data-autosubmit>: submit its form when the choice changes (the language switch).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
