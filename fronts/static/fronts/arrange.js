"use strict";
// The front's slots in the arrangement form: drag a row by its handle, or move it
// with its buttons, to put the stories in order; on submit each row with a story
// is numbered in the order shown (its position). Without JavaScript, the position
// fields are typed by hand.
(function () {
  function rows(tbody) {
    return Array.from(tbody.querySelectorAll("tr.form-row:not(.empty-form)"));
  }

  function renumber(form) {
    form.querySelectorAll(".fronts-slots tbody").forEach(function (tbody) {
      let position = 1;
      rows(tbody).forEach(function (row) {
        const story = row.querySelector("select[name$='-article']");
        const input = row.querySelector("input.fronts-position");
        if (input && story && story.value) {
          input.value = position++;
        }
      });
    });
  }

  function button(label, text, move) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "fronts-move";
    element.textContent = text;
    element.setAttribute("aria-label", label);
    element.addEventListener("click", function () {
      move(element.closest("tr"));
      element.focus();
    });
    return element;
  }

  let dragged = null;

  function addHandle(row) {
    // Beside the position (the cell Django calls "original" carries the slot's
    // name, laid over the top of the row).
    const cell = row.querySelector("td.field-position");
    if (!cell || cell.querySelector(".fronts-handle")) {
      return;
    }
    const handle = document.createElement("span");
    handle.className = "fronts-handle";
    handle.draggable = true;
    handle.title = "Drag to move this story";
    handle.textContent = "⠿";
    handle.addEventListener("dragstart", function (event) {
      dragged = row;
      row.classList.add("fronts-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.id);
    });
    handle.addEventListener("dragend", function () {
      row.classList.remove("fronts-dragging");
      dragged = null;
    });
    const tools = document.createElement("span");
    tools.className = "fronts-tools";
    tools.append(
      handle,
      button("Move up", "↑", function (r) {
        const before = r.previousElementSibling;
        if (before && !before.classList.contains("empty-form")) {
          r.parentNode.insertBefore(r, before);
        }
      }),
      button("Move down", "↓", function (r) {
        const after = r.nextElementSibling;
        if (after && after.classList.contains("form-row") && !after.classList.contains("empty-form")) {
          r.parentNode.insertBefore(after, r);
        }
      }),
    );
    cell.prepend(tools);
  }

  function setUp(group) {
    const tbody = group.querySelector("tbody");
    rows(tbody).forEach(addHandle);
    tbody.addEventListener("dragover", function (event) {
      const over = event.target.closest("tr.form-row");
      if (!dragged || !over || over === dragged || over.classList.contains("empty-form")) {
        return;
      }
      event.preventDefault();
      const box = over.getBoundingClientRect();
      const below = event.clientY > box.top + box.height / 2;
      tbody.insertBefore(dragged, below ? over.nextElementSibling : over);
    });
    tbody.addEventListener("drop", function (event) {
      event.preventDefault();
    });
    const form = group.closest("form");
    form.addEventListener("submit", function () {
      renumber(form);
    });
    // The preview button submits the form too, to another address.
    form.querySelectorAll("button[formaction]").forEach(function (element) {
      element.addEventListener("click", function () {
        renumber(form);
      });
    });
  }

  document.addEventListener("formset:added", function (event) {
    if (event.target.closest(".fronts-slots")) {
      addHandle(event.target);
    }
  });

  function start() {
    document.querySelectorAll(".fronts-slots").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
