// Image fields with autocomplete show thumbnails: beside each result while choosing,
// and beside the field once a picture is chosen; buttons beside them open the
// picture chooser (picture-chooser.js) on the library or with a file to upload. Set
// up here, in place of Django's autocomplete.js (see photos/widgets.py).
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
    addChooserButtons(select, $select);
  }

  // The chosen picture becomes the field's value, as if picked in the autocomplete.
  function choose($select, picture) {
    const id = String(picture.id);
    if (!$select.find("option").filter(function () { return this.value === id; }).length) {
      $select.append(new Option(picture.title, id, false, false));
    }
    $select.val(id).trigger("change");
  }

  function addChooserButtons(select, $select) {
    const url = select.dataset.chooserUrl;
    if (!url || !window.newsroomPictureChooser) {
      return;
    }
    const buttons = document.createElement("div");
    buttons.className = "newsroom-chooser-buttons";
    const open = function (options) {
      window.newsroomPictureChooser.open({
        url: url,
        onChoose: function (picture) {
          choose($select, picture);
        },
        ...options,
      });
    };
    const browse = document.createElement("button");
    browse.type = "button";
    browse.className = "button newsroom-choose-picture";
    browse.textContent = select.dataset.chooseLabel;
    browse.addEventListener("click", function () {
      open({});
    });
    buttons.append(browse);
    if (select.dataset.uploadLabel) {
      // A label around a file input: the click opens the computer's file dialog.
      const upload = document.createElement("label");
      upload.className = "button newsroom-upload-picture";
      upload.textContent = select.dataset.uploadLabel;
      const input = document.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      input.addEventListener("change", function () {
        const file = input.files[0];
        input.value = "";
        if (file) {
          open({ file: file });
        }
      });
      upload.append(input);
      buttons.append(upload);
    }
    $select.parent().append(buttons);
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
