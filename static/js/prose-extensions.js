// Newsroom's own blocks for the story editor (django-prose-editor, Tiptap):
//   PullQuote       <aside class="pull-quote">…</aside>, a line lifted out of the story
//   LibraryPicture  <figure data-image-id="12" data-size="wide" data-caption="…">
//                   </figure>, a picture from the library placed at a size, with
//                   this story's caption if it gives one; the page draws it with
//                   its caption, credit and renditions. Files dropped or pasted
//                   are uploaded through the picture chooser.
//   StyleNonce      no markup: lets Tiptap's own styles pass the admin's
//                   Content-Security-Policy
// The server's allow-list (articles/sanitize.py) accepts exactly this markup.
import { Extension, Node, Plugin, mergeAttributes } from "django-prose-editor/editor";

export const PullQuote = Node.create({
  name: "pullQuote",
  group: "block",
  content: "inline*",
  marks: "italic",
  defining: true,

  parseHTML() {
    return [{ tag: "aside.pull-quote" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["aside", mergeAttributes(HTMLAttributes, { class: "pull-quote" }), 0];
  },

  addCommands() {
    return {
      togglePullQuote:
        () =>
        ({ commands }) =>
          commands.toggleNode(this.name, "paragraph"),
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "pullQuote",
      groups: "nodes",
      command: (editor) => editor.chain().focus().togglePullQuote().run(),
      button: buttons.material("format_size", "pull quote"),
      active: (editor) => editor.isActive(this.name),
    });
  },
});

// Sizes a placed picture may have on the story page (articles/inline_images.py).
const PICTURE_SIZES = [
  ["inline", "Inline"],
  ["wide", "Wide"],
  ["full", "Full width"],
];
// The library's words for each picture, fetched once a page.
const pictureDetails = new Map();

function describePicture(url) {
  if (!pictureDetails.has(url)) {
    pictureDetails.set(
      url,
      fetch(url, { credentials: "same-origin" }).then((response) =>
        response.ok ? response.json() : null,
      ),
    );
  }
  return pictureDetails.get(url);
}

function imageFile(files) {
  return Array.from(files || []).find((file) => file.type.startsWith("image/"));
}

export const LibraryPicture = Node.create({
  name: "libraryPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    // From the server (articles/body_editor.py): the admin's thumbnail and picture
    // addresses for picture 0, and the picture chooser's.
    return { thumbnailUrl: "", pictureUrl: "", chooserUrl: "" };
  },

  addAttributes() {
    return {
      imageId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) => ({ "data-image-id": attributes.imageId }),
      },
      // How wide the story page sets it; "inline" is the default and not written.
      size: {
        default: "inline",
        parseHTML: (element) => element.getAttribute("data-size") || "inline",
        renderHTML: (attributes) =>
          attributes.size && attributes.size !== "inline"
            ? { "data-size": attributes.size }
            : {},
      },
      // This story's caption for the picture; empty: the library's.
      caption: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-caption") || "",
        renderHTML: (attributes) =>
          attributes.caption ? { "data-caption": attributes.caption } : {},
      },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-image-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes];
  },

  // In the editor a placed picture shows as on the page: its thumbnail, caption and
  // credit from the library, with this story's caption for it and its size.
  addNodeView() {
    const options = this.options;
    return ({ node, getPos, editor }) => {
      let current = node;
      const id = node.attrs.imageId;
      const dom = document.createElement("figure");
      dom.className = "newsroom-placed-picture";
      dom.dataset.imageId = id;
      dom.contentEditable = "false";
      const img = document.createElement("img");
      img.alt = "";
      img.src = options.thumbnailUrl.replace("/0/", "/" + id + "/");
      const words = document.createElement("div");
      words.className = "newsroom-placed-picture__words";
      const title = document.createElement("strong");
      title.textContent = "Library picture " + id;
      const caption = document.createElement("span");
      caption.className = "newsroom-placed-picture__caption";
      const credit = document.createElement("span");
      credit.className = "newsroom-placed-picture__credit";
      const ownCaption = document.createElement("input");
      ownCaption.type = "text";
      ownCaption.className = "newsroom-placed-picture__own-caption";
      ownCaption.placeholder = "Caption in this story (empty: the library’s)";
      ownCaption.setAttribute("aria-label", "Caption in this story");
      ownCaption.value = node.attrs.caption || "";
      const size = document.createElement("select");
      size.className = "newsroom-placed-picture__size";
      size.setAttribute("aria-label", "Size on the page");
      PICTURE_SIZES.forEach(([value, label]) => size.append(new Option(label, value)));
      size.value = node.attrs.size || "inline";
      words.append(title, caption, credit, ownCaption, size);
      dom.append(img, words);

      if (options.pictureUrl) {
        describePicture(options.pictureUrl.replace(/\/0\/$/, "/" + id + "/")).then(
          (picture) => {
            if (!picture) {
              title.textContent = "This picture is no longer in the library.";
              return;
            }
            title.textContent = picture.title;
            caption.textContent = picture.caption;
            credit.textContent = picture.credit;
            img.src = picture.thumbnail;
          },
        );
      }

      const update = (changes) => {
        if (typeof getPos !== "function") {
          return;
        }
        const { state } = editor.view;
        editor.view.dispatch(
          state.tr.setNodeMarkup(getPos(), undefined, { ...current.attrs, ...changes }),
        );
      };
      ownCaption.addEventListener("input", () => update({ caption: ownCaption.value }));
      size.addEventListener("change", () => update({ size: size.value }));

      return {
        dom,
        update(updated) {
          if (updated.type !== current.type || updated.attrs.imageId !== id) {
            return false;
          }
          current = updated;
          if (ownCaption.value !== (updated.attrs.caption || "")) {
            ownCaption.value = updated.attrs.caption || "";
          }
          size.value = updated.attrs.size || "inline";
          return true;
        },
        // Typing and choosing in the picture's own fields is theirs, not the editor's.
        stopEvent: (event) => event.target === ownCaption || event.target === size,
        ignoreMutation: () => true,
      };
    };
  },

  addCommands() {
    return {
      placePicture:
        (imageId) =>
        ({ commands }) =>
          commands.insertContent({ type: this.name, attrs: { imageId: String(imageId) } }),
    };
  },

  // A picture file dropped or pasted into the body goes through the picture
  // chooser's Upload tab (alt text, focal point, the library's checks) and is
  // placed where it was dropped, or at the cursor.
  addProseMirrorPlugins() {
    const extension = this;
    const upload = (view, file, position) => {
      if (!window.newsroomPictureChooser || !extension.options.chooserUrl) {
        return false;
      }
      window.newsroomPictureChooser.open({
        url: extension.options.chooserUrl,
        file: file,
        onChoose: (picture) => {
          const at = Math.min(
            position ?? view.state.selection.from,
            view.state.doc.content.size,
          );
          extension.editor
            .chain()
            .focus()
            .insertContentAt(at, {
              type: extension.name,
              attrs: { imageId: String(picture.id) },
            })
            .run();
        },
      });
      return true;
    };
    return [
      new Plugin({
        props: {
          handleDrop(view, event) {
            const file = imageFile(event.dataTransfer && event.dataTransfer.files);
            if (!file) {
              return false;
            }
            event.preventDefault();
            const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
            return upload(view, file, at ? at.pos : null);
          },
          handlePaste(view, event) {
            const file = imageFile(event.clipboardData && event.clipboardData.files);
            if (!file) {
              return false;
            }
            event.preventDefault();
            return upload(view, file, null);
          },
        },
      }),
    ];
  },

  addMenuItems({ buttons, menu }) {
    // The button opens the picture chooser and places what is chosen at the cursor;
    // without the chooser, the library picker under the editor (insert-image.js).
    const options = this.options;
    menu.defineItem({
      name: "libraryPicture",
      groups: "nodes",
      command: (editor) => {
        if (!window.newsroomPictureChooser || !options.chooserUrl) {
          document.dispatchEvent(new CustomEvent("newsroom:pick-picture"));
          return;
        }
        window.newsroomPictureChooser.open({
          url: options.chooserUrl,
          onChoose: (picture) => editor.chain().focus().placePicture(picture.id).run(),
        });
      },
      button: buttons.material("add_photo_alternate", "place a library picture"),
    });
  },
});

// Tiptap adds its base styles to the page as a <style> element, which the admin's
// Content-Security-Policy lets through only with the page's nonce. The import map
// that loaded this editor carries it (the server set it there); hand it to Tiptap
// before the editor draws itself.
export const StyleNonce = Extension.create({
  name: "styleNonce",

  onBeforeCreate() {
    const importMap = document.querySelector('script[type="importmap"][nonce]');
    if (importMap && importMap.nonce) {
      this.editor.setOptions({ injectNonce: importMap.nonce });
    }
  },
});
