// Word count and reading time under the story body, kept current while typing.
(function () {
  "use strict";

  // Counted as the server counts (articles/sanitize.py, plain_text): blocks end words,
  // inline tags such as <strong> do not.
  function words(html) {
    const text = html
      .replace(/<\/(p|h[2-4]|li|blockquote|aside|figcaption)>|<(br|hr)\s*\/?>/gi, " ")
      .replace(/<[^>]*>/g, "")
      .replace(/&[a-z#0-9]+;/gi, " ");
    return text.split(/\s+/).filter(Boolean).length;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const body = document.getElementById("id_body");
    const out = document.querySelector(".newsroom-length");
    if (!body || !out) {
      return;
    }
    const perMinute = parseInt(out.dataset.wordsPerMinute, 10) || 230;
    const update = function () {
      const count = words(body.value);
      const minutes = Math.max(1, Math.round(count / perMinute));
      out.textContent = count.toLocaleString("en-US") + (count === 1 ? " word" : " words") +
        " · about " + minutes + " min to read";
    };
    body.addEventListener("input", update);
    update();
  });
})();
