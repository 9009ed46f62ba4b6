// The story form's Save button, and its Publish button, say "Schedule" while the
// publish time typed is still to come, by the newsroom's clock (the zone written
// beside the field), so nobody publishes by accident or schedules without knowing.
(function () {
  "use strict";

  // Times as wall-clock readings in the newsroom's zone, compared as if UTC.
  function wallClock(dateText, timeText) {
    var d = /(\d{4})-(\d{1,2})-(\d{1,2})/.exec(dateText || "");
    if (!d) return NaN;
    var t = /(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(timeText || "") || [0, 0, 0, 0];
    return Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +(t[3] || 0));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var clock = document.getElementById("newsroom-clock");
    var date = document.getElementById("id_published_at_0");
    var time = document.getElementById("id_published_at_1");
    if (!clock || !date || !time) return;
    var openedAt = Date.now();
    var nowThen = wallClock.apply(null, clock.dataset.now.split("T"));
    var status = document.getElementById("id_status");
    var save = document.querySelectorAll("[data-newsroom-save]");
    var publish = document.querySelectorAll("[data-newsroom-publish]");

    function update() {
      var when = wallClock(date.value, time.value);
      var future = when > nowThen + (Date.now() - openedAt);
      var publishing = !status || status.value === "published";
      save.forEach(function (button) {
        button.value =
          future && publishing ? clock.dataset.schedule : clock.dataset.save;
      });
      publish.forEach(function (button) {
        if (!button.dataset.label) button.dataset.label = button.textContent;
        button.textContent = future ? clock.dataset.schedule : button.dataset.label;
      });
    }

    [date, time, status].forEach(function (field) {
      if (field) {
        field.addEventListener("input", update);
        field.addEventListener("change", update);
      }
    });
    // The admin's calendar and clock pickers fill the inputs without an event.
    document.addEventListener("click", function () {
      window.setTimeout(update, 0);
    });
    update();
  });
})();
