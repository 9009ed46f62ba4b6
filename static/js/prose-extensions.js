// Newsroom's own blocks for the story editor (django-prose-editor, Tiptap):
//   PullQuote       <aside class="pull-quote">…</aside>, a line lifted out of the story
//   LibraryPicture  <figure data-image-id="12"></figure>, a picture from the library;
//                   the page draws it with its caption, credit and renditions
//   StyleNonce      no markup: lets Tiptap's own styles pass the admin's
//                   Content-Security-Policy
// The server's allow-list (articles/sanitize.py) accepts exactly this markup.
import { Extension, Node, mergeAttributes } from "django-prose-editor/editor";

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

export const LibraryPicture = Node.create({
  name: "libraryPicture",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    // thumbnailUrl: the admin's thumbnail address for picture 0, from the server.
    return { thumbnailUrl: "" };
  },

  addAttributes() {
    return {
      imageId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) => ({ "data-image-id": attributes.imageId }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-image-id]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes];
  },

  // In the editor the reference shows as the picture's thumbnail; the caption and
  // credit are the library's, so they are not editable here.
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "newsroom-placed-picture";
      dom.dataset.imageId = node.attrs.imageId;
      const img = document.createElement("img");
      img.alt = "";
      img.src = this.options.thumbnailUrl.replace("/0/", "/" + node.attrs.imageId + "/");
      const label = document.createElement("figcaption");
      label.textContent =
        "Library picture " + node.attrs.imageId + " (caption and credit from the library)";
      dom.append(img, label);
      return { dom };
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

  addMenuItems({ buttons, menu }) {
    // The button opens the library picker under the editor ("Place a picture").
    menu.defineItem({
      name: "libraryPicture",
      groups: "nodes",
      command: () => document.dispatchEvent(new CustomEvent("newsroom:pick-picture")),
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
