// Click the picture to set its focal point; the number fields stay as the fallback.
(function () {
  "use strict";

  function place(picker, x, y) {
    const marker = picker.querySelector(".focal-picker__marker");
    marker.style.left = (x * 100) + "%";
    marker.style.top = (y * 100) + "%";
  }

  document.addEventListener("DOMContentLoaded", function () {
    const picker = document.querySelector(".focal-picker");
    const fieldX = document.getElementById("id_focal_x");
    const fieldY = document.getElementById("id_focal_y");
    if (!picker || !fieldX || !fieldY) {
      return;
    }
    place(picker, parseFloat(picker.dataset.focalX), parseFloat(picker.dataset.focalY));
    picker.querySelector("img").addEventListener("click", function (event) {
      const box = event.target.getBoundingClientRect();
      const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
      const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
      fieldX.value = x.toFixed(3);
      fieldY.value = y.toFixed(3);
      place(picker, x, y);
    });
    [fieldX, fieldY].forEach(function (field) {
      field.addEventListener("input", function () {
        place(picker, parseFloat(fieldX.value) || 0, parseFloat(fieldY.value) || 0);
      });
    });
  });
})();
