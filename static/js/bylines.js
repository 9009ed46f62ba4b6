// The story form's bylines, put in order as editors think of them: drag a row by its
// handle (or move it with the arrow keys on the handle), and the printed order is the
// order on the screen: each row's hidden position is written from it. And for a
// staff member with no author profile, one button makes hers and adds her byline.
(function () {
  "use strict";

  function rows(group) {
    return Array.from(group.querySelectorAll("tbody tr.form-row:not(.empty-form)"));
  }

  function authorOf(row) {
    return row.querySelector("select[name$='-author']");
  }

  // Positions follow the rows as shown; an empty extra row is left untouched so the
  // formset still treats it as unused.
  function renumber(group) {
    let position = 0;
    rows(group).forEach(function (row) {
      const author = authorOf(row);
      const field = row.querySelector("input[name$='-position']");
      if (field && author && author.value) {
        field.value = position;
        position += 1;
      }
    });
  }

  function addHandle(group, row) {
    const cell = row.querySelector("td.original");
    if (!cell || cell.querySelector(".newsroom-drag")) return;
    const handle = document.createElement("button");
    handle.type = "button";
    handle.className = "newsroom-drag";
    handle.title = "Drag to reorder (or use the arrow keys)";
    handle.setAttribute("aria-label", "Move this byline: drag, or press the up and down arrow keys");
    handle.textContent = "⠿";
    cell.prepend(handle);

    handle.addEventListener("keydown", function (event) {
      const list = rows(group);
      const at = list.indexOf(row);
      if (event.key === "ArrowUp" && at > 0) {
        list[at - 1].before(row);
      } else if (event.key === "ArrowDown" && at < list.length - 1) {
        list[at + 1].after(row);
      } else {
        return;
      }
      event.preventDefault();
      handle.focus();
      renumber(group);
    });

    handle.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      row.classList.add("newsroom-dragging");

      function move(moveEvent) {
        const list = rows(group);
        const at = list.indexOf(row);
        const above = list[at - 1];
        const below = list[at + 1];
        if (above) {
          const box = above.getBoundingClientRect();
          if (moveEvent.clientY < box.top + box.height / 2) {
            above.before(row);
            return;
          }
        }
        if (below) {
          const box = below.getBoundingClientRect();
          if (moveEvent.clientY > box.top + box.height / 2) {
            below.after(row);
          }
        }
      }

      function drop() {
        row.classList.remove("newsroom-dragging");
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", drop);
        handle.removeEventListener("pointercancel", drop);
        renumber(group);
      }

      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", drop);
      handle.addEventListener("pointercancel", drop);
    });
  }

  function makeOwnAuthor(group, panel) {
    const button = panel.querySelector("[data-newsroom-own-author]");
    const nameField = panel.querySelector("input[type=text]");
    const said = panel.querySelector(".newsroom-own-author__said");
    button.addEventListener("click", function () {
      const form = group.closest("form");
      const data = new FormData();
      data.append("name", nameField.value);
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      button.disabled = true;
      fetch(panel.dataset.url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.error || "The profile was not made.");
            return body;
          });
        })
        .then(function (author) {
          let row = rows(group).find(function (candidate) {
            return authorOf(candidate) && !authorOf(candidate).value;
          });
          if (!row) {
            const add = group.querySelector(".add-row a");
            if (add) add.click();
            row = rows(group).pop();
          }
          const select = authorOf(row);
          select.append(new Option(author.name, author.id, true, true));
          if (window.django && window.django.jQuery) {
            window.django.jQuery(select).trigger("change");
          }
          renumber(group);
          said.textContent = "Your author profile is made, and your byline added.";
          panel.querySelectorAll("input, button, label").forEach(function (part) {
            part.hidden = true;
          });
        })
        .catch(function (error) {
          said.textContent = error.message;
          button.disabled = false;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const group = document.getElementById("bylines-group");
    if (!group) return;
    group.querySelectorAll("tbody tr.form-row").forEach(function (row) {
      addHandle(group, row);
    });
    document.addEventListener("formset:added", function (event) {
      if (group.contains(event.target)) addHandle(group, event.target);
    });
    group.addEventListener("change", function () {
      renumber(group);
    });
    const form = group.closest("form");
    if (form) {
      form.addEventListener("submit", function () {
        renumber(group);
      });
    }
    const panel = document.querySelector(".newsroom-own-author");
    if (panel) makeOwnAuthor(group, panel);
  });
})();
