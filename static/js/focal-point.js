// The focal point: click the subject in the picture and the marker sits where the
// click was, the x and y fields follow, and the 16:9, 4:3 and 1:1 crops beside it
// show what each page will cut (the same geometry as photos/renditions.py crop_box).
// Used on the library's picture form, new or saved, and in the picture chooser's
// Upload tab, where the picture is still only on the writer's computer.
(function () {
  "use strict";

  const CROPS = [
    [16, 9],
    [4, 3],
    [1, 1],
  ];
  const CROP_HEIGHT = 72;

  function clamp(value) {
    return Math.min(Math.max(value, 0), 1);
  }

  // Where a crop of ratio w:h around (x, y) starts, as a background-position
  // percentage: the crop is the largest box of the ratio, centred on the point as
  // far as the picture's edges allow.
  function cropPosition(width, height, ratio, x, y) {
    const cropW = Math.min(width, Math.round((height * ratio[0]) / ratio[1]));
    const cropH = Math.min(height, Math.round((width * ratio[1]) / ratio[0]));
    const left = Math.min(Math.max(Math.round(x * width - cropW / 2), 0), width - cropW);
    const top = Math.min(Math.max(Math.round(y * height - cropH / 2), 0), height - cropH);
    const percent = function (offset, spare) {
      return spare > 0 ? (offset / spare) * 100 : 50;
    };
    return percent(left, width - cropW) + "% " + percent(top, height - cropH) + "%";
  }

  function attach(root, fieldX, fieldY) {
    const picker = root.querySelector(".focal-picker");
    const img = picker.querySelector("img");
    const marker = picker.querySelector(".focal-picker__marker");
    const cropsBox = root.querySelector(".focal-crops");
    const crops = [];
    if (cropsBox) {
      cropsBox.textContent = "";
      CROPS.forEach(function (ratio) {
        const figure = document.createElement("figure");
        figure.className = "focal-crop";
        const frame = document.createElement("div");
        frame.className = "focal-crop__frame";
        frame.style.width = Math.round((CROP_HEIGHT * ratio[0]) / ratio[1]) + "px";
        frame.style.height = CROP_HEIGHT + "px";
        const label = document.createElement("figcaption");
        label.textContent = ratio[0] + ":" + ratio[1];
        figure.append(frame, label);
        cropsBox.append(figure);
        crops.push({ ratio: ratio, frame: frame });
      });
    }

    function point() {
      return [clamp(parseFloat(fieldX.value) || 0), clamp(parseFloat(fieldY.value) || 0)];
    }

    // The marker is placed in pixels over the picture as drawn (its box inside the
    // picker), never as a share of the picker, which can be wider than the picture.
    function show() {
      const [x, y] = point();
      marker.style.left = img.offsetLeft + x * img.offsetWidth + "px";
      marker.style.top = img.offsetTop + y * img.offsetHeight + "px";
      marker.hidden = !img.offsetWidth;
      if (!img.naturalWidth) {
        return;
      }
      crops.forEach(function (crop) {
        crop.frame.style.backgroundImage = 'url("' + img.currentSrc + '")';
        crop.frame.style.backgroundPosition = cropPosition(
          img.naturalWidth,
          img.naturalHeight,
          crop.ratio,
          x,
          y,
        );
      });
    }

    img.addEventListener("click", function (event) {
      const box = img.getBoundingClientRect();
      fieldX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      fieldY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      fieldX.dispatchEvent(new Event("change", { bubbles: true }));
      show();
    });
    [fieldX, fieldY].forEach(function (field) {
      field.addEventListener("input", show);
    });
    img.addEventListener("load", show);
    new ResizeObserver(show).observe(img);
    show();

    return {
      // A picture not yet uploaded: shown from the file the person chose.
      showFile: function (file) {
        if (img.dataset.objectUrl) {
          URL.revokeObjectURL(img.dataset.objectUrl);
        }
        img.dataset.objectUrl = URL.createObjectURL(file);
        img.src = img.dataset.objectUrl;
        fieldX.value = "0.5";
        fieldY.value = "0.5";
        root.hidden = false;
      },
      show: show,
    };
  }

  window.newsroomFocalPoint = { attach: attach };

  // The library's own picture form.
  document.addEventListener("DOMContentLoaded", function () {
    const root = document.querySelector(".field-focal_picker .focal-editor");
    const fieldX = document.getElementById("id_focal_x");
    const fieldY = document.getElementById("id_focal_y");
    if (!root || !fieldX || !fieldY) {
      return;
    }
    const editor = attach(root, fieldX, fieldY);
    const file = document.getElementById("id_file");
    if (file) {
      file.addEventListener("change", function () {
        if (file.files.length) {
          editor.showFile(file.files[0]);
        }
      });
    }
  });
})();
