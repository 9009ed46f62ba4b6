// The sidebar's search result and social card follow the form as it is typed: the
// search title or else the headline, the meta description or else the dek (as the
// page's own tags choose them). Text only: nothing typed becomes markup.
(function () {
  "use strict";

  function value(id) {
    const field = document.getElementById(id);
    return field ? field.value.trim() : "";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const preview = document.querySelector("[data-search-preview]");
    if (!preview) return;
    function update() {
      const title = value("id_seo_title") || value("id_headline") || "(headline)";
      const description =
        value("id_seo_description") || value("id_dek") || "(dek)";
      preview.querySelectorAll("[data-preview-title]").forEach(function (part) {
        part.textContent = title;
      });
      preview.querySelectorAll("[data-preview-description]").forEach(function (part) {
        part.textContent = description;
      });
    }
    ["id_headline", "id_dek", "id_seo_title", "id_seo_description"].forEach(
      function (id) {
        const field = document.getElementById(id);
        if (field) field.addEventListener("input", update);
      }
    );
  });
})();
