// Nothing typed in the story form is lost (articles/admin/autosave.py):
//   - the form's fields are kept as a working copy on the server a moment after the
//     typing pauses (and at least every few seconds while it goes on), when a field
//     is left and when the page is hidden; and in this browser's localStorage at the
//     same moments, for when the server cannot be reached;
//   - opening the story again offers back a working copy newer than its last save;
//   - leaving the page with changes not saved asks first;
//   - Ctrl+S (Cmd+S) saves the form; spelling is checked in the headline, dek and body.
(function () {
  "use strict";

  const IDLE_MS = 1500; // a pause in the typing this long saves
  const MAX_WAIT_MS = 4000; // and typing without a pause saves this often
  const KEEPALIVE_LIMIT = 60000; // browsers refuse larger keepalive requests
  const LABEL_PREFIX = "_label:"; // an option's text, to restore a chosen autocomplete
  const SPELLCHECKED = ["id_headline", "id_dek", "id_seo_title", "id_seo_description"];

  let editor = null; // the body's rich-text editor, once it is up
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail.textarea.id === "id_body") {
      editor = event.detail.editor;
      editor.view.dom.setAttribute("spellcheck", "true");
    }
  });

  function autosaveUrl() {
    const path = window.location.pathname;
    if (/\/add\/$/.test(path)) {
      return path + "autosave/";
    }
    const match = path.match(/^(.*\/)change\/$/);
    return match ? match[1] + "autosave/" : null;
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // The form's fields as the form would post them: name -> list of values.
  function fieldsOf(form) {
    const data = {};
    const add = function (name, value) {
      (data[name] = data[name] || []).push(value);
    };
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name.startsWith("_") || name === "csrfmiddlewaretoken" ||
          name === "edit_version" || name.includes("__prefix__") || element.disabled ||
          ["submit", "button", "file", "reset"].includes(element.type)) {
        continue;
      }
      if ((element.type === "checkbox" || element.type === "radio") && !element.checked) {
        continue;
      }
      if (element.tagName === "SELECT") {
        for (const option of element.selectedOptions) {
          add(name, option.value);
          add(LABEL_PREFIX + name, option.textContent);
        }
        continue;
      }
      add(name, element.value);
    }
    return data;
  }

  function sameFields(a, b) {
    const plain = function (data) {
      return JSON.stringify(Object.keys(data).filter(function (name) {
        return !name.startsWith(LABEL_PREFIX);
      }).sort().map(function (name) { return [name, data[name]]; }));
    };
    return plain(a) === plain(b);
  }

  // Put a working copy's fields back into the form.
  function fill(form, data) {
    for (const element of form.elements) {
      const name = element.name;
      // Hidden fields (the inlines' counts and row ids) stay as this form has them.
      if (!name || !(name in data) || element.type === "hidden") {
        continue;
      }
      const values = data[name];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT") {
        const labels = data[LABEL_PREFIX + name] || [];
        values.forEach(function (value, i) {
          const known = Array.from(element.options).some(function (o) {
            return o.value === value;
          });
          if (!known) {
            element.add(new Option(labels[i] || value, value));
          }
        });
        for (const option of element.options) {
          option.selected = values.includes(option.value);
        }
      } else if (element.id === "id_body" && editor) {
        editor.commands.setContent(values[0] || "", true);
        continue; // the editor puts it in the textarea itself
      } else {
        element.value = values[0] === undefined ? "" : values[0];
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function when(date) {
    return date.toLocaleString(undefined, {
      weekday: "short", hour: "numeric", minute: "2-digit", second: "2-digit",
    });
  }

  function readLocal(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeLocal(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (error) {
      return false; // full, or storage switched off: the server copy remains
    }
  }

  function removeLocal(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // storage switched off: nothing kept there
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("article_form");
    const url = autosaveUrl();
    if (!form || !url) {
      return;
    }
    for (const id of SPELLCHECKED) {
      const field = document.getElementById(id);
      if (field) {
        field.spellcheck = true;
      }
    }
    const isNew = /\/add\/$/.test(window.location.pathname);
    const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    const version = (form.querySelector("[name=edit_version]") || {}).value || "";
    const keyInput = document.createElement("input");
    keyInput.type = "hidden";
    keyInput.name = "_working_copy_key";
    keyInput.value = isNew ? newKey() : "";
    form.appendChild(keyInput);

    const status = document.createElement("p");
    status.className = "newsroom-autosave-status help";
    status.setAttribute("role", "status");
    form.querySelector(".submit-row") ?
      form.querySelector(".submit-row").before(status) : form.prepend(status);

    let browserKey = null; // learnt from the server, with the offer
    let offerOpen = false; // no copy is kept until the offer is taken or declined
    let dirty = false;
    let submitting = false;
    let lastKept = null;
    let idleTimer = null;
    let firstChangeAt = null;

    function save(options) {
      window.clearTimeout(idleTimer);
      idleTimer = null;
      firstChangeAt = null;
      if (!browserKey || offerOpen || submitting) {
        return;
      }
      const data = fieldsOf(form);
      if (lastKept && sameFields(lastKept, data)) {
        return;
      }
      lastKept = data;
      const copy = { data: data, saved_at: Date.now(), based_on: version,
                     key: keyInput.value, synced: false };
      writeLocal(browserKey, copy);
      const body = new URLSearchParams({
        csrfmiddlewaretoken: token, data: JSON.stringify(data), key: keyInput.value,
      });
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
        keepalive: Boolean(options && options.leaving) &&
          body.toString().length < KEEPALIVE_LIMIT,
      }).then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        const current = readLocal(browserKey);
        if (current && current.saved_at === copy.saved_at) {
          current.synced = true;
          writeLocal(browserKey, current);
        }
        status.textContent = "Working copy kept " + when(new Date()) +
          " (not saved as the story).";
      }).catch(function () {
        lastKept = null; // try the server again with the next change
        status.textContent = "The server can’t be reached: your working copy is kept " +
          "in this browser (" + when(new Date()) + "). Save when the connection is back.";
      });
    }

    function changed() {
      dirty = true;
      const now = Date.now();
      firstChangeAt = firstChangeAt || now;
      window.clearTimeout(idleTimer);
      const wait = Math.min(IDLE_MS, Math.max(0, firstChangeAt + MAX_WAIT_MS - now));
      idleTimer = window.setTimeout(save, wait);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("focusout", function () {
      if (idleTimer) {
        save();
      }
    });
    window.addEventListener("pagehide", function () {
      if (idleTimer) {
        save({ leaving: true });
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && idleTimer) {
        save({ leaving: true });
      }
    });

    form.addEventListener("submit", function () {
      submitting = true;
      window.clearTimeout(idleTimer);
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = ""; // older browsers ask only when this is set
      }
    });
    window.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.altKey &&
          event.key.toLowerCase() === "s") {
        event.preventDefault();
        const button = form.querySelector("[name=_continue]") ||
          form.querySelector("[type=submit][name=_save]");
        if (button) {
          button.click();
        } else {
          form.requestSubmit();
        }
      }
    }, true);

    function offer(copy, savedAt, fromBrowser) {
      offerOpen = true;
      const banner = document.createElement("ul");
      banner.className = "messagelist newsroom-working-copy-offer";
      const item = document.createElement("li");
      item.className = "warning";
      const text = document.createElement("span");
      text.textContent = (fromBrowser ?
        "This browser kept a working copy of this story from " :
        "You have a working copy of this story from ") + when(savedAt) +
        ", newer than its last save. ";
      const restore = document.createElement("button");
      restore.type = "button";
      restore.className = "button";
      restore.textContent = "Restore it";
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "button";
      discard.textContent = "Discard it";
      item.append(text, restore, " ", discard);
      banner.append(item);
      form.prepend(banner);
      restore.addEventListener("click", function () {
        if (isNew && copy.key) {
          keyInput.value = copy.key;
        }
        fill(form, copy.data);
        banner.remove();
        offerOpen = false;
        dirty = true;
        status.textContent = "Working copy restored: save to keep it in the story.";
        save();
      });
      discard.addEventListener("click", function () {
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token },
          body: new URLSearchParams({
            csrfmiddlewaretoken: token, discard: "1", key: copy.key || "",
          }),
        }).catch(function () { /* the copy goes stale at the next save anyway */ });
        removeLocal(browserKey);
        banner.remove();
        offerOpen = false;
      });
    }

    const asked = new URL(url, window.location.href);
    // A new story's form asks whether the browser's copy was saved as a story since.
    let local = null;
    for (let i = 0; i < window.localStorage.length && isNew; i++) {
      const name = window.localStorage.key(i);
      if (name.startsWith("newsroom-working-copy:") && name.endsWith(":new")) {
        const found = readLocal(name);
        if (found && found.key) {
          asked.searchParams.set("key", found.key);
        }
      }
    }
    fetch(asked, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        browserKey = answer.browser_key;
        local = readLocal(browserKey);
        if (local && (answer.used || (!isNew && local.based_on !== version))) {
          removeLocal(browserKey); // saved as the story since, or the story was
          local = null;
        }
        const current = fieldsOf(form);
        if (local && !local.synced && !sameFields(local.data, current)) {
          offer(local, new Date(local.saved_at), true);
        } else if (answer.working_copy &&
                   !sameFields(answer.working_copy.data, current)) {
          offer(answer.working_copy, new Date(answer.working_copy.saved_at), false);
        }
        if (dirty) {
          changed(); // typed before the answer came: keep it now
        }
      })
      .catch(function () {
        status.textContent = "Autosave is off: the server can’t be reached.";
      });
  });
})();
