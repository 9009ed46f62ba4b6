// The story body's blocks that a reader acts on (readers/story_blocks.py adds this
// script only to bodies that have them). Without it an embed is a link to the
// original and a gallery a list of pictures; with it:
// - an embed loads the provider's frame or post only when the reader asks, from
//   the HTML the server cleaned (its <template>), with the provider's own script;
// - a gallery becomes a strip that swipes (CSS scroll snapping), with previous
//   and next buttons, arrow keys on the focused strip, and "2 of 5".
// A live story's page loads it once for all its entries: an entry that arrives
// later (live.js) announces itself with a "newsroom:content" event.
(function () {
  "use strict";
  if (window.newsroomStoryBlocks) {
    return; // loaded twice (a live story whose own body has blocks too)
  }
  window.newsroomStoryBlocks = true;

  function loadEmbed(figure) {
    const template = figure.querySelector("template");
    const actions = figure.querySelector(".embed__actions");
    if (!template || !actions) {
      return;
    }
    const content = document.createElement("div");
    content.className = "embed__content";
    content.tabIndex = -1;
    content.append(template.content.cloneNode(true));
    actions.replaceWith(content);
    template.remove();
    figure.classList.add("embed--loaded");
    const source = figure.dataset.embedScript;
    if (source) {
      const script = document.createElement("script");
      script.src = source;
      script.async = true;
      figure.append(script);
    }
    content.focus();
  }

  function enhanceEmbed(figure) {
    const actions = figure.querySelector(".embed__actions");
    if (!actions) {
      return;
    }
    actions.hidden = false;
    actions.querySelector("button").addEventListener("click", function () {
      loadEmbed(figure);
    });
  }

  function button(label, text) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = "gallery__button";
    element.setAttribute("aria-label", label);
    element.textContent = text;
    return element;
  }

  function enhanceGallery(gallery) {
    const list = gallery.querySelector(".gallery__items");
    const items = Array.from(list.children);
    if (items.length < 2) {
      return;
    }
    gallery.classList.add("gallery--strip");
    list.tabIndex = 0;
    const previous = button(gallery.dataset.previous, "\u2039");
    const next = button(gallery.dataset.next, "\u203a");
    const status = document.createElement("p");
    status.className = "gallery__status";
    status.setAttribute("aria-live", "polite");
    const controls = document.createElement("div");
    controls.className = "gallery__controls";
    controls.append(previous, status, next);
    gallery.append(controls);

    // The picture shown, or being scrolled to: pressing twice moves twice, even
    // while the first scroll is still under way.
    let position = 0;
    // Where a button or key sent the strip, until it is there: a scroll that
    // comes to rest elsewhere (an earlier one, interrupted) is taken on to it.
    let heading = null;
    function current() {
      return Math.round(list.scrollLeft / Math.max(list.clientWidth, 1));
    }
    function show(index) {
      const target = Math.max(0, Math.min(items.length - 1, index));
      heading = target;
      list.scrollTo({ left: target * list.clientWidth, behavior: "smooth" });
      update(target);
    }
    function settled() {
      const at = current();
      if (heading !== null && at !== heading) {
        list.scrollTo({ left: heading * list.clientWidth });
        return;
      }
      heading = null;
      update(at);
    }
    // A reader's own swipe or wheel goes where she takes it.
    ["pointerdown", "wheel", "touchstart"].forEach(function (name) {
      list.addEventListener(name, function () {
        heading = null;
      }, { passive: true });
    });
    function update(index) {
      position = index;
      status.textContent = index + 1 + " " + gallery.dataset.of + " " + items.length;
      previous.disabled = index === 0;
      next.disabled = index === items.length - 1;
      items.forEach(function (item, n) {
        item.setAttribute("aria-hidden", n === index ? "false" : "true");
      });
    }
    // Where a swipe or scroll comes to rest ("scrollend"; a pause where the browser
    // does not say).
    if ("onscrollend" in window) {
      list.addEventListener("scrollend", settled);
    } else {
      let settling = null;
      list.addEventListener("scroll", function () {
        clearTimeout(settling);
        settling = setTimeout(settled, 150);
      });
    }
    list.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        event.preventDefault();
        show(position + (event.key === "ArrowRight" ? 1 : -1));
      }
    });
    previous.addEventListener("click", function () {
      show(position - 1);
    });
    next.addEventListener("click", function () {
      show(position + 1);
    });
    update(0);
  }

  function start(root) {
    root.querySelectorAll("figure[data-embed]").forEach(enhanceEmbed);
    root.querySelectorAll("[data-gallery]").forEach(enhanceGallery);
  }

  document.addEventListener("newsroom:content", function (event) {
    start(event.target);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      start(document);
    });
  } else {
    start(document);
  }
})();
