// The story editor's embeds, galleries and captioned tables (django-prose-editor,
// Tiptap), beside prose-extensions.js:
//   Embed           <figure data-embed-url="https://…"></figure>: a post, video, map
//                   or chart from a listed provider. Pasting an address one of them
//                   answers for makes one; any other address stays a link. The
//                   server asks the provider once (admin:embeds_embed_fetch) and
//                   the block shows what it said, or why it could not.
//   Gallery         <figure data-gallery-ids="12,13"></figure>: library pictures
//                   shown as a gallery. Select placed pictures and press the
//                   gallery button; on a gallery, the same button splits it again.
//   CaptionedTable  Tiptap's table with a caption (<caption>): asked for with the
//                   rows and columns when a table is inserted (a header row by
//                   default), and changed from the table's menu.
// The server's allow-list (articles/sanitize.py) accepts exactly this markup.
import { Node, Plugin, Table, updateAttrsDialog } from "django-prose-editor/editor";

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function askServer(fetchUrl, url, refresh) {
  const body = new URLSearchParams({ url: url });
  if (refresh) {
    body.set("refresh", "1");
  }
  return fetch(fetchUrl, {
    method: "POST",
    body: body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken() },
  })
    .then((response) => response.json())
    .catch(() => ({
      ok: false,
      message: "The newsroom's server did not answer. Readers will see a plain link.",
    }));
}

export const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    // fetchUrl: the admin's endpoint that asks the provider; patterns: the
    // addresses the listed providers answer for (regular expressions, as JSON).
    return { fetchUrl: "", patterns: "[]" };
  },

  addAttributes() {
    return {
      url: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-embed-url"),
        renderHTML: (attributes) => ({ "data-embed-url": attributes.url }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-embed-url]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes];
  },

  addNodeView() {
    const fetchUrl = this.options.fetchUrl;
    return ({ node }) => {
      const dom = document.createElement("figure");
      dom.className = "newsroom-embed";
      const status = document.createElement("p");
      status.className = "newsroom-embed__status";
      status.setAttribute("role", "status");
      const link = document.createElement("a");
      link.href = node.attrs.url;
      link.textContent = node.attrs.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      const again = document.createElement("button");
      again.type = "button";
      again.className = "button newsroom-embed__refresh";
      again.textContent = "Ask the provider again";
      dom.append(status, link, again);
      function ask(refresh) {
        status.textContent = "Asking the provider…";
        dom.dataset.state = "asking";
        askServer(fetchUrl, node.attrs.url, refresh).then((answer) => {
          status.textContent = answer.message;
          dom.dataset.state = answer.ok ? "ok" : "failed";
        });
      }
      again.addEventListener("click", () => ask(true));
      ask(false);
      return {
        dom,
        stopEvent: (event) => event.target === again || event.target === link,
        ignoreMutation: () => true,
      };
    };
  },

  addCommands() {
    return {
      // Followed by an empty paragraph, so that typing goes on after the embed
      // rather than replacing it.
      embedAddress:
        (url) =>
        ({ commands }) =>
          commands.insertContent([
            { type: this.name, attrs: { url } },
            { type: "paragraph" },
          ]),
    };
  },

  addProseMirrorPlugins() {
    const patterns = JSON.parse(this.options.patterns).map((p) => new RegExp(p));
    const editor = this.editor;
    return [
      new Plugin({
        props: {
          handlePaste(view, event) {
            const text = (event.clipboardData?.getData("text/plain") || "").trim();
            const listed = patterns.some((pattern) => pattern.test(text));
            if (!text || /\s/.test(text) || !listed) {
              return false; // not one listed address: pasted as usual (a link)
            }
            editor.commands.embedAddress(text);
            return true;
          },
        },
      }),
    ];
  },
});

// The placed pictures in the selection: their ids, and the range from the first to
// the end of the last (what a gallery of them replaces; text around them stays).
function picturesInSelection(state) {
  const found = { ids: [], from: null, to: null };
  state.doc.nodesBetween(state.selection.from, state.selection.to, (node, pos) => {
    if (node.type.name === "libraryPicture" && node.attrs.imageId) {
      found.ids.push(String(node.attrs.imageId));
      found.from = found.from === null ? pos : found.from;
      found.to = pos + node.nodeSize;
    }
  });
  return found;
}

export const Gallery = Node.create({
  name: "gallery",
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
      imageIds: {
        default: "",
        parseHTML: (element) => element.getAttribute("data-gallery-ids"),
        renderHTML: (attributes) => ({ "data-gallery-ids": attributes.imageIds }),
      },
    };
  },

  parseHTML() {
    return [{ tag: "figure[data-gallery-ids]" }];
  },

  renderHTML({ HTMLAttributes }) {
    return ["figure", HTMLAttributes];
  },

  addNodeView() {
    return ({ node }) => {
      const ids = (node.attrs.imageIds || "").split(",").filter(Boolean);
      const dom = document.createElement("figure");
      dom.className = "newsroom-gallery";
      ids.forEach((id) => {
        const img = document.createElement("img");
        img.alt = "";
        img.src = this.options.thumbnailUrl.replace("/0/", "/" + id + "/");
        dom.append(img);
      });
      const label = document.createElement("figcaption");
      label.textContent =
        "Gallery of " + ids.length + " library pictures (captions and credits from the library)";
      dom.append(label);
      return { dom };
    };
  },

  addCommands() {
    return {
      makeGallery:
        () =>
        ({ state, tr, dispatch }) => {
          const { ids, from, to } = picturesInSelection(state);
          if (ids.length < 2) {
            return false;
          }
          if (dispatch) {
            tr.replaceWith(from, to, this.type.create({ imageIds: ids.join(",") }));
          }
          return true;
        },
      splitGallery:
        () =>
        ({ state, tr, dispatch }) => {
          const node = state.selection.node;
          const picture = state.schema.nodes.libraryPicture;
          if (!node || node.type !== this.type || !picture) {
            return false;
          }
          if (dispatch) {
            const pictures = node.attrs.imageIds
              .split(",")
              .filter(Boolean)
              .map((id) => picture.create({ imageId: id }));
            tr.replaceWith(state.selection.from, state.selection.to, pictures);
          }
          return true;
        },
    };
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "gallery",
      groups: "nodes",
      command: (editor) => {
        if (!editor.chain().focus().splitGallery().run()) {
          editor.chain().focus().makeGallery().run();
        }
      },
      button: buttons.material(
        "photo_library",
        "gallery: make one of the selected pictures, or split the selected gallery",
      ),
      enabled: (editor) => editor.can().makeGallery() || editor.can().splitGallery(),
      active: (editor) => editor.isActive(this.name),
    });
  },
});

const CAPTION_FIELD = {
  type: "string",
  title: "Caption",
  description: "What the table shows, in a line; screen readers announce it first.",
};
const newTableDialog = updateAttrsDialog(
  {
    rows: { type: "number", title: "Rows", format: "number", min: "1", max: "100" },
    cols: { type: "number", title: "Columns", format: "number", min: "1", max: "30" },
    withHeaderRow: { title: "First row heads the columns", enum: ["Yes", "No"] },
    caption: CAPTION_FIELD,
  },
  { title: "Insert a table", submitText: "Insert" },
);
const captionDialog = updateAttrsDialog(
  { caption: CAPTION_FIELD },
  { title: "Table caption", submitText: "Set caption" },
);

export const CaptionedTable = Table.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      caption: {
        default: "",
        parseHTML: (element) => {
          const caption = element.querySelector(":scope > caption");
          return caption ? caption.textContent.trim() : "";
        },
        renderHTML: () => ({}),
      },
    };
  },

  parseHTML() {
    // The caption is the table's attribute, not a row of its cells.
    return [{ tag: "table" }, { tag: "caption", ignore: true }];
  },

  renderHTML(props) {
    const table = this.parent(props);
    const caption = props.node.attrs.caption;
    if (!caption) {
      return table;
    }
    const inner = table[0] === "div" ? table[2] : table;
    inner.splice(2, 0, ["caption", { contenteditable: "false" }, caption]);
    return table;
  },

  // In the editor the caption shows above the table, not editable in place: the
  // table menu's caption button changes it.
  addNodeView() {
    return ({ node }) => {
      const dom = document.createElement("div");
      dom.className = "newsroom-table";
      const caption = document.createElement("p");
      caption.className = "newsroom-table__caption";
      caption.contentEditable = "false";
      const table = document.createElement("table");
      const body = document.createElement("tbody");
      table.append(body);
      dom.append(caption, table);
      const show = (current) => {
        caption.textContent = current.attrs.caption
          ? "Caption: " + current.attrs.caption
          : "No caption yet: the table menu's caption button adds one.";
        caption.dataset.empty = current.attrs.caption ? "no" : "yes";
      };
      show(node);
      return {
        dom,
        contentDOM: body,
        update: (updated) => {
          if (updated.type !== node.type) {
            return false;
          }
          show(updated);
          return true;
        },
        ignoreMutation: (mutation) => caption.contains(mutation.target),
      };
    };
  },

  addCommands() {
    return {
      ...this.parent?.(),
      insertTableWithOptions:
        () =>
        ({ editor }) => {
          newTableDialog(editor, { rows: "3", cols: "3", withHeaderRow: "Yes" }).then(
            (answer) => {
              if (!answer) {
                return;
              }
              editor
                .chain()
                .focus()
                .insertTable({
                  rows: Number.parseInt(answer.rows, 10) || 3,
                  cols: Number.parseInt(answer.cols, 10) || 3,
                  withHeaderRow: answer.withHeaderRow === "Yes",
                })
                .setTableCaption(answer.caption || "")
                .run();
            },
          );
          return true;
        },
      setTableCaption:
        (caption) =>
        ({ commands }) =>
          commands.updateAttributes(this.name, { caption: caption.trim() }),
    };
  },

  addMenuItems(context) {
    this.parent?.(context);
    const { buttons, menu } = context;
    menu.defineItem({
      name: "tableCaption",
      groups: "nodes",
      command: (editor) => {
        const current = editor.getAttributes(this.name).caption || "";
        captionDialog(editor, { caption: current }).then((answer) => {
          if (answer) {
            editor.chain().focus().setTableCaption(answer.caption || "").run();
          }
        });
      },
      button: buttons.material("short_text", "table caption"),
      hidden: (editor) => !editor.isActive(this.name),
    });
  },
});
