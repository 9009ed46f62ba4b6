// The story's notes (templates/admin/notes/sidebar.html): post and resolve without
// leaving the page, so nothing typed in the story is lost; quote a passage selected
// in the body; and mark the passages open notes are about in the body itself, with
// the CSS Custom Highlight API, which leaves the editor's document untouched.
// Without this script the buttons still work, as plain form posts.
(function () {
  "use strict";
  const notes = document.getElementById("notes");
  if (!notes) return;
  const form = notes.closest("form");
  const thread = document.getElementById("newsroom-notes-thread");
  const text = document.getElementById("id_note-text");
  const passage = document.getElementById("id_note-passage");
  const error = notes.querySelector(".newsroom-notes__error");
  const quote = notes.querySelector(".newsroom-notes__quote");
  let selected = "";

  // The story body's editor (the admin names each field's row .field-<name>).
  function editor() {
    return (
      document.querySelector(".field-body .ProseMirror[contenteditable=true]") ||
      document.querySelector(".ProseMirror[contenteditable=true]")
    );
  }

  function csrf() {
    const field = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function send(url, fields, keepalive) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf());
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Newsroom-Fragment": "thread" },
      keepalive: Boolean(keepalive),
    });
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  async function act(button) {
    const fields = {};
    if (button.dataset.noteAction === "post") {
      fields["note-text"] = text.value;
      fields["note-passage"] = passage.value;
    } else if (button.name) {
      fields[button.name] = button.value;
    }
    button.disabled = true;
    try {
      const response = await send(button.formAction, fields);
      const html = await response.text();
      if (response.status === 400) {
        const answer = document.createElement("div");
        answer.innerHTML = html;
        const message = answer.querySelector(".errornote");
        showError(message ? message.textContent : "The note was not posted.");
        return;
      }
      if (!response.ok) {
        showError("The note was not posted: reload the page and try again.");
        return;
      }
      thread.innerHTML = html;
      showError("");
      if (button.dataset.noteAction === "post") {
        text.value = "";
        passage.value = "";
      }
      highlight();
    } catch (failure) {
      showError("The server could not be reached; your note is still here.");
    } finally {
      button.disabled = false;
    }
  }

  notes.addEventListener("click", (event) => {
    const button = event.target.closest("[data-note-action]");
    if (!button) return;
    event.preventDefault();
    act(button);
  });

  // A note typed but not posted when the story is saved goes with the save.
  if (form && text) {
    form.addEventListener("submit", (event) => {
      const button = event.submitter;
      if (button && button.dataset.noteAction) return;
      const post = notes.querySelector("[data-note-action=post]");
      if (text.value.trim() && post) {
        send(
          post.formAction,
          { "note-text": text.value, "note-passage": passage.value },
          true,
        );
      }
    });
  }

  // Remember what was last selected in the body: clicking the button moves focus.
  if (quote && passage) {
    quote.hidden = false;
    document.addEventListener("selectionchange", () => {
      const selection = document.getSelection();
      const body = editor();
      if (selection && body && body.contains(selection.anchorNode)) {
        const words = selection.toString().trim();
        if (words) selected = words;
      }
    });
    quote.addEventListener("click", () => {
      if (selected) passage.value = selected;
      else showError("Select some words in the story first.");
    });
  }

  // Ranges in the body's text where `words` occur (whitespace taken loosely).
  function rangesOf(root, words) {
    const nodes = [];
    let all = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push([node, all.length]);
      all += node.data;
    }
    const found = all.indexOf(words);
    if (found < 0) return [];
    const at = (offset) => {
      for (let i = nodes.length - 1; i >= 0; i--) {
        if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
      }
      return [nodes[0][0], 0];
    };
    const range = document.createRange();
    range.setStart(...at(found));
    range.setEnd(...at(found + words.length));
    return [range];
  }

  function highlight() {
    const body = editor();
    if (!body || !window.CSS || !CSS.highlights || !window.Highlight) return;
    const ranges = [];
    for (const note of thread.querySelectorAll("[data-passage]")) {
      ranges.push(...rangesOf(body, note.dataset.passage));
    }
    CSS.highlights.set("newsroom-note", new Highlight(...ranges));
  }

  let timer;
  document.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(highlight, 300);
  });
  // The editor builds its document after the page loads.
  window.addEventListener("load", () => setTimeout(highlight, 200));
})();
