// The site code page: a full-screen button (the code and QR stay big while htmx swaps in the next code and who
// has checked in), and the screen kept awake where the browser can. Without scripts the page reloads itself.
(function () {
  "use strict";
  var lock = null;
  function keepAwake() {
    if (navigator.wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").then(function (l) { lock = l; }, function () {});
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var section = document.getElementById("site-code");
    var button = document.querySelector("[data-full-screen]");
    if (section && button && section.requestFullscreen) {
      button.hidden = false;
      var enter = button.textContent;
      button.addEventListener("click", function () {
        if (document.fullscreenElement) document.exitFullscreen();
        else section.requestFullscreen().catch(function () {});
      });
      document.addEventListener("fullscreenchange", function () {
        button.textContent = document.fullscreenElement ? button.dataset.leave : enter;
      });
    }
    keepAwake();
    document.addEventListener("visibilitychange", function () { if (!lock || lock.released) keepAwake(); });
  });
})();
