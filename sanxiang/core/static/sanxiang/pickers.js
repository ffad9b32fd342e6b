/* Searchable pickers: every <select data-picker> becomes a Tom Select (vendor/tom-select-2.6.2):
   type part of a name, pick it, remove it with ×. The <select> stays the form field, so the
   form posts as before, and without JavaScript it is still a plain multi-select.
   Texts come from the select's data- attributes (translated on the server). */
(function () {
  "use strict";

  function enhance(root) {
    if (typeof TomSelect === "undefined" || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("select[data-picker]:not(.tomselected)").forEach(function (select) {
      var noResults = select.dataset.noResults || "";
      // Tom Select points the <label> at its own search box; the <select> it keeps (hidden, the
      // form field) keeps the label's words as its accessible name.
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      if (label && !select.hasAttribute("aria-label")) {
        select.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
      }
      new TomSelect(select, {
        plugins: { remove_button: { title: select.dataset.removeTitle || "" } },
        placeholder: select.dataset.placeholder || "",
        hidePlaceholder: true,
        maxOptions: null,
        closeAfterSelect: false,
        render: {
          no_results: function (_data, escape) {
            return '<div class="no-results">' + escape(noResults) + "</div>";
          },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  // Forms loaded into a page by HTMX (the review and case action panels).
  document.addEventListener("htmx:load", function (event) {
    enhance(event.target);
  });
})();
