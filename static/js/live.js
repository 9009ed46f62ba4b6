// A live story's page asks for what changed since the newest change it has, every
// few seconds while the tab is visible, and shows it: new entries in place, newest
// first; edits, corrections and pins replace the entry; removals take it away; the
// key updates are redrawn. The server answers 304 when nothing changed (the browser
// sends the ETag it has: cache "no-cache"). Without this script the page is
// complete as it was served.
(function () {
  "use strict";
  const live = document.querySelector("[data-live-updates]");
  if (!live || !window.fetch) return;
  const entries = live.querySelector("[data-live-entries]");
  const keyUpdates = live.querySelector("[data-live-key]");
  const announce = live.querySelector(".live__announce");
  const seconds = Math.max(parseFloat(live.dataset.liveSeconds) || 20, 0.5);
  let cursor = live.dataset.liveCursor || "0";
  let open = live.hasAttribute("data-live-open");
  let timer = null;
  let asking = false;
  const versions = new Map(); // entry id: the version this page shows

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  }

  function place(element, order) {
    element.dataset.order = order;
    for (const other of entries.querySelectorAll("[data-entry]")) {
      if (Number(other.dataset.order) < Number(order)) {
        entries.insertBefore(element, other);
        return;
      }
    }
    entries.appendChild(element);
  }

  function apply(answer) {
    let added = 0;
    for (const change of answer.entries) {
      const id = String(change.id);
      const shown = document.getElementById("entry-" + id);
      if (change.removed) {
        if (shown) shown.remove();
        versions.delete(id);
        continue;
      }
      if (shown && versions.get(id) === change.version) continue;
      if (!shown && change.older) continue; // on a page of older entries
      const element = fragment(change.html);
      if (shown) {
        element.dataset.order = change.order;
        shown.replaceWith(element);
      } else {
        place(element, change.order);
        added += 1;
      }
      versions.set(id, change.version);
      // Its galleries and embeds come alive as the page's did (story-blocks.js).
      element.dispatchEvent(new CustomEvent("newsroom:content", { bubbles: true }));
    }
    if (answer.entries.length) {
      keyUpdates.innerHTML = answer.key_updates;
      keyUpdates.closest("nav").hidden = !answer.key_updates.trim();
      const empty = entries.querySelector(".live__empty");
      if (empty && entries.querySelector("[data-entry]")) empty.remove();
    }
    if (added) {
      announce.textContent =
        added === 1 ? "1 new update." : added + " new updates.";
    }
    cursor = answer.cursor;
    open = answer.open;
  }

  async function ask() {
    if (asking || document.visibilityState !== "visible") return;
    asking = true;
    try {
      const url = live.dataset.liveUpdates + "?since=" + encodeURIComponent(cursor);
      const response = await fetch(url, {
        cache: "no-cache",
        headers: { Accept: "application/json" },
      });
      if (response.ok) apply(await response.json());
    } catch (error) {
      // Offline for a moment: the next turn asks again.
    } finally {
      asking = false;
    }
    if (!open) stop();
  }

  function start() {
    if (timer === null && open) timer = window.setInterval(ask, seconds * 1000);
  }

  function stop() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      ask();
      start();
    } else {
      stop();
    }
  });
  start();
})();
