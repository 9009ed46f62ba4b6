// "Place in story": puts the chosen library picture into the body at the cursor, as
// the reference the server draws with caption, credit and renditions. With the rich-
// text editor it goes in as a picture block; without it (no JavaScript modules), as
// markup typed into the plain text box.
(function () {
  "use strict";

  let editor = null;
  // Sent by django-prose-editor once the body's editor is up (possibly after our
  // DOMContentLoaded, as its modules load asynchronously).
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea.id === "id_body") {
      editor = event.detail.editor;
    }
  });

  function placeIn(body, id) {
    if (editor) {
      editor.chain().focus().placePicture(id).run();
      return;
    }
    const snippet = "\n<figure data-image-id=\"" + id + "\"></figure>\n";
    const start = body.selectionStart;
    body.value = body.value.slice(0, start) + snippet + body.value.slice(body.selectionEnd);
    body.focus();
    body.selectionStart = body.selectionEnd = start + snippet.length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const picker = document.getElementById("id_insert_image");
    const body = document.getElementById("id_body");
    if (!picker || !body) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button newsroom-place-picture";
    button.textContent = "Place in story";
    picker.parentElement.appendChild(button);
    button.addEventListener("click", function () {
      const id = parseInt(picker.value, 10);
      if (id) {
        placeIn(body, id);
      }
    });
    // The editor's picture button: the picture chooser, placing what is chosen at
    // the cursor; without it, the library picker below the editor.
    document.addEventListener("newsroom:pick-picture", function () {
      if (window.newsroomPictureChooser && picker.dataset.chooserUrl) {
        window.newsroomPictureChooser.open({
          url: picker.dataset.chooserUrl,
          onChoose: function (picture) {
            placeIn(body, picture.id);
          },
        });
        return;
      }
      picker.closest(".form-row").scrollIntoView({ block: "center" });
      if (window.django && window.django.jQuery) {
        window.django.jQuery(picker).select2("open");
      } else {
        picker.focus();
      }
    });
  });
})();
