// "42 of 70 characters" under fields with a length limit that search engines and
// social cards cut off: the search title and meta description.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    ["id_seo_title", "id_seo_description"].forEach(function (id) {
      const field = document.getElementById(id);
      const limit = field && parseInt(field.getAttribute("maxlength"), 10);
      if (!limit) {
        return;
      }
      const counter = document.createElement("div");
      counter.className = "help newsroom-char-count";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
      const update = function () {
        counter.textContent = field.value.length + " of " + limit + " characters";
      };
      field.addEventListener("input", update);
      update();
    });
  });
})();
