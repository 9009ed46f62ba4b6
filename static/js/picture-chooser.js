// The picture chooser: one modal wherever a picture is picked (a story's lead,
// social image and body, an author's headshot). Library: search, filters and a grid
// of thumbnails. Upload: a file from the computer goes through the library's own
// checks (photos/chooser.py), its IPTC/XMP words filled in, alt text asked for and
// the focal point set on the picture before it is stored.
//
//   window.newsroomPictureChooser.open({
//     url,            the chooser's address (data-chooser-url on the field)
//     file,           optional: a file to upload at once (dropped or pasted)
//     upload,         optional: open on the Upload tab
//     onChoose,       called with the picture ({id, title, thumbnail, caption, ...})
//   })
(function () {
  "use strict";

  let dialog = null;
  let loadedFrom = null;
  let onChoose = null;
  let focal = null;
  let duplicate = null;

  function part(selector) {
    return dialog.querySelector(selector);
  }

  function request(url, options) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      ...options,
    });
  }

  // Whether the dialog was already there (its results may be out of date).
  async function load(url) {
    if (dialog && loadedFrom === url) {
      return true;
    }
    if (dialog) {
      dialog.remove();
    }
    dialog = document.createElement("dialog");
    dialog.className = "newsroom-chooser-dialog";
    dialog.setAttribute("aria-labelledby", "newsroom-chooser-heading");
    document.body.append(dialog);
    const response = await request(url);
    const text = await response.text();
    if (!response.ok) {
      const message = document.createElement("p");
      message.className = "errornote";
      message.textContent = response.status === 403
        ? "You may not choose pictures here."
        : "The library could not be reached; try again in a moment.";
      dialog.replaceChildren(message);
      loadedFrom = null;
      return false;
    }
    // Our own admin's markup (templates/admin/photos/image/chooser.html).
    dialog.innerHTML = text;
    loadedFrom = url;
    part(".newsroom-chooser__heading").id = "newsroom-chooser-heading";
    wire();
    return false;
  }

  function chosen(picture) {
    const callback = onChoose;
    onChoose = null;
    dialog.close();
    if (callback) {
      callback(picture);
    }
  }

  function selectTab(name) {
    dialog.querySelectorAll(".newsroom-chooser__tab").forEach(function (tab) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    });
    dialog.querySelectorAll(".newsroom-chooser__panel").forEach(function (panel) {
      panel.hidden = panel.dataset.panel !== name;
    });
  }

  // Library tab.

  async function loadResults(page) {
    const root = part(".newsroom-chooser");
    const search = new URLSearchParams(new FormData(part(".newsroom-chooser__search")));
    search.set("page", page);
    const response = await request(root.dataset.resultsUrl + "?" + search);
    const results = part(".newsroom-chooser__results");
    if (!response.ok) {
      results.textContent = "The library could not be searched; try again.";
      return;
    }
    const html = await response.text();
    if (page === 1) {
      results.innerHTML = html;
    } else {
      part(".newsroom-chooser__more").remove();
      results.insertAdjacentHTML("beforeend", html);
    }
  }

  // Upload tab.

  function uploadForm() {
    return part(".newsroom-chooser__upload");
  }

  function clearErrors() {
    dialog.querySelectorAll("[data-errors-for]").forEach(function (list) {
      list.replaceChildren();
    });
    part(".newsroom-chooser__status").textContent = "";
  }

  function showErrors(errors) {
    let first = null;
    Object.entries(errors).forEach(function ([field, problems]) {
      const list =
        dialog.querySelector('[data-errors-for="' + field + '"]') ||
        dialog.querySelector('[data-errors-for="__all__"]');
      problems.forEach(function (problem) {
        const item = document.createElement("li");
        item.textContent = problem.message;
        list.append(item);
      });
      first = first || uploadForm().elements[field];
    });
    if (first && first.focus) {
      first.focus();
    }
  }

  function resetUpload() {
    const form = uploadForm();
    if (!form) {
      return;
    }
    form.reset();
    clearErrors();
    duplicate = null;
    part(".newsroom-chooser__duplicate").hidden = true;
    part(".focal-editor").hidden = true;
  }

  async function inspect(file) {
    const form = uploadForm();
    clearErrors();
    duplicate = null;
    part(".newsroom-chooser__duplicate").hidden = true;
    focal.showFile(file);
    const status = part(".newsroom-chooser__status");
    status.textContent = "Reading the picture’s words…";
    const data = new FormData();
    data.append("file", file);
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    const response = await request(part(".newsroom-chooser").dataset.inspectUrl, {
      method: "POST",
      body: data,
    });
    status.textContent = "";
    const answer = await response.json().catch(function () {
      return { error: "The picture could not be read; try again." };
    });
    if (!response.ok) {
      showErrors({ file: [{ message: answer.error }] });
      part(".focal-editor").hidden = true;
      return;
    }
    Object.entries(answer.fields).forEach(function ([name, value]) {
      const field = form.elements[name];
      if (field && !field.value) {
        field.value = value;
      }
    });
    if (answer.duplicate) {
      duplicate = answer.duplicate;
      part(".newsroom-chooser__duplicate").hidden = false;
    }
    form.elements.alt_text.focus();
  }

  function setFile(file) {
    const input = uploadForm().elements.file;
    const files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    inspect(file);
  }

  async function upload(event) {
    event.preventDefault();
    const form = uploadForm();
    clearErrors();
    const button = part(".newsroom-chooser__submit");
    button.disabled = true;
    part(".newsroom-chooser__status").textContent = "Uploading…";
    try {
      const response = await request(part(".newsroom-chooser").dataset.uploadUrl, {
        method: "POST",
        body: new FormData(form),
      });
      const answer = await response.json();
      part(".newsroom-chooser__status").textContent = "";
      if (response.status === 201) {
        chosen(answer);
      } else if (answer.duplicate) {
        duplicate = answer.duplicate;
        part(".newsroom-chooser__duplicate").hidden = false;
      } else {
        showErrors(answer.errors || { __all__: [{ message: answer.error }] });
      }
    } catch (error) {
      showErrors({
        __all__: [{ message: "The upload did not reach the server; try again." }],
      });
    } finally {
      button.disabled = false;
    }
  }

  function wire() {
    part(".newsroom-chooser__close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.querySelectorAll(".newsroom-chooser__tab").forEach(function (tab) {
      tab.addEventListener("click", function () {
        selectTab(tab.dataset.tab);
      });
    });
    const search = part(".newsroom-chooser__search");
    let typing = null;
    search.addEventListener("input", function (event) {
      if (event.target.type === "file") {
        return;
      }
      clearTimeout(typing);
      typing = setTimeout(function () {
        loadResults(1);
      }, 250);
    });
    search.addEventListener("submit", function (event) {
      event.preventDefault();
      loadResults(1);
    });
    part(".newsroom-chooser__results").addEventListener("click", function (event) {
      const pick = event.target.closest(".newsroom-chooser__pick");
      if (pick) {
        chosen(JSON.parse(pick.dataset.picture));
      }
      const more = event.target.closest(".newsroom-chooser__more");
      if (more) {
        loadResults(parseInt(more.dataset.page, 10));
      }
    });
    const form = uploadForm();
    if (!form) {
      return;
    }
    focal = window.newsroomFocalPoint.attach(
      part(".focal-editor"),
      form.elements.focal_x,
      form.elements.focal_y,
    );
    part(".newsroom-chooser__quick-file").addEventListener("change", function (event) {
      const file = event.target.files[0];
      event.target.value = "";
      if (file) {
        selectTab("upload");
        setFile(file);
      }
    });
    form.elements.file.addEventListener("change", function () {
      if (form.elements.file.files.length) {
        inspect(form.elements.file.files[0]);
      }
    });
    part(".newsroom-chooser__use-duplicate").addEventListener("click", function () {
      if (duplicate) {
        chosen(duplicate);
      }
    });
    form.addEventListener("submit", upload);
  }

  async function open(options) {
    const reused = await load(options.url);
    onChoose = options.onChoose;
    if (!loadedFrom) {
      dialog.showModal();
      return;
    }
    resetUpload();
    if (reused) {
      loadResults(1);
    }
    const canUpload = Boolean(uploadForm());
    selectTab((options.file || options.upload) && canUpload ? "upload" : "library");
    dialog.showModal();
    if (options.file && canUpload) {
      setFile(options.file);
    } else {
      part(".newsroom-chooser__search input[type=search]").focus();
    }
  }

  window.newsroomPictureChooser = { open: open };
})();
