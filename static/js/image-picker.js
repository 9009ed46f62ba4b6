// Image fields with autocomplete show thumbnails: beside each result while choosing,
// and beside the field once a picture is chosen.
(function () {
  "use strict";
  const FIELDS = "select.admin-autocomplete[name='lead_image'], select.admin-autocomplete[name='headshot']";

  function result($, thumbnailUrl, item) {
    if (!item.id) {
      return item.text;
    }
    return $("<span class='newsroom-picker-option'>")
      .append($("<img alt='' loading='lazy'>").attr("src", thumbnailUrl(item.id)))
      .append($("<span>").text(item.text));
  }

  function enhance($, select) {
    const $select = $(select);
    // The admin's root, from the autocomplete address Django put on the field.
    const root = String($select.data("ajax--url")).replace(/autocomplete\/$/, "");
    const thumbnailUrl = function (id) {
      return root + "articles/image/" + encodeURIComponent(id) + "/thumbnail/";
    };
    const preview = $("<img class='newsroom-picker-thumb' alt=''>");
    $select.parent().append(preview);
    const show = function () {
      const id = $select.val();
      preview.toggle(Boolean(id));
      if (id) {
        preview.attr("src", thumbnailUrl(id));
      }
    };
    if ($select.data("select2")) {
      $select.select2("destroy");
    }
    // As Django's autocomplete.js sets it up (the rest comes from data- attributes),
    // plus a thumbnail beside each result.
    $select.select2({
      ajax: {
        data: function (params) {
          return {
            term: params.term,
            page: params.page,
            app_label: select.dataset.appLabel,
            model_name: select.dataset.modelName,
            field_name: select.dataset.fieldName,
          };
        },
      },
      templateResult: function (item) { return result($, thumbnailUrl, item); },
    });
    $select.on("change", show);
    show();
  }

  window.addEventListener("load", function () {
    const $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.select2) {
      return;
    }
    document.querySelectorAll(FIELDS).forEach(function (select) { enhance($, select); });
  });
})();
