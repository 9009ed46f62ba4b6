// "Place in story": puts the chosen library picture into the body at the cursor, as
// the reference the server draws with caption, credit and renditions.
(function () {
  "use strict";

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
      if (!id) {
        return;
      }
      const snippet = "\n<figure data-image-id=\"" + id + "\"></figure>\n";
      const start = body.selectionStart;
      body.value = body.value.slice(0, start) + snippet + body.value.slice(body.selectionEnd);
      body.focus();
      body.selectionStart = body.selectionEnd = start + snippet.length;
    });
  });
})();
