// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Filter forms leave empty fields out of the URL, so links to a filtered list stay short.
  document.querySelectorAll("form.filter-form").forEach(function (form) {
    form.addEventListener("formdata", function (event) {
      var empty = [];
      event.formData.forEach(function (value, name) {
        if (value === "") {
          empty.push(name);
        }
      });
      empty.forEach(function (name) {
        event.formData.delete(name);
      });
    });
  });

  // Copy buttons (e.g. the payment link): shown only when the browser can copy.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied");
        }
      }, function () {
        field.select();
      });
    });
  });

  // Print buttons (receipts): the browser's print menu does the same without this script.
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
