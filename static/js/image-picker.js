// Image fields with autocomplete show thumbnails: beside each result while choosing,
// and beside the field once a picture is chosen. Set up here, in place of Django's
// autocomplete.js (see articles/admin/widgets.py).
(function () {
  "use strict";
  let $;

  function setUp(select) {
    const $select = $(select);
    // The admin's root, from the autocomplete address Django put on the field.
    const root = String($select.data("ajax--url")).replace(/autocomplete\/$/, "");
    const thumbnailUrl = function (id) {
      return root + "photos/image/" + encodeURIComponent(id) + "/thumbnail/";
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
    // As Django's autocomplete.js sets a field up (the rest comes from its data-
    // attributes), plus a thumbnail beside each result.
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
      templateResult: function (item) {
        if (!item.id) {
          return item.text;
        }
        return $("<span class='newsroom-picker-option'>")
          .append($("<img alt='' loading='lazy'>").attr("src", thumbnailUrl(item.id)))
          .append($("<span>").text(item.text));
      },
    });
    $select.on("change", show);
    show();
  }

  // The admin may load this file before jQuery and select2; all are there once the
  // document has been parsed.
  document.addEventListener("DOMContentLoaded", function () {
    $ = window.django.jQuery;
    $(".newsroom-image-autocomplete").not("[name*=__prefix__]").each(function () {
      setUp(this);
    });
  });
})();
