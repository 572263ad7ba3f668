// zero-gig: the little JavaScript the pages use. Every page works without it.
(function () {
  "use strict";
  var body = document.body;

  if ("serviceWorker" in navigator && body.dataset.sw) {
    navigator.serviceWorker.register(body.dataset.sw).catch(function () {});
  }

  if (!navigator.onLine) {
    document.querySelectorAll("[data-offline-note]").forEach(function (note) { note.hidden = false; });
  }

  // Read aloud, in the page's language, where the browser can speak.
  if ("speechSynthesis" in window) {
    var lang = document.documentElement.lang === "en" ? "en-US" : "zh-CN";
    document.querySelectorAll("[data-say]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.speechSynthesis.cancel();
        var utterance = new SpeechSynthesisUtterance(button.dataset.say);
        utterance.lang = lang;
        utterance.rate = 0.9;
        window.speechSynthesis.speak(utterance);
      });
    });
  }

  // Gigs near me: search from where the phone is, when the person allows it.
  var locate = document.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    var url = new URL(window.location.href);
    var goTo = function (position) {
      url.searchParams.set("lat", position.coords.latitude.toFixed(5));
      url.searchParams.set("lng", position.coords.longitude.toFixed(5));
      url.searchParams.delete("cursor");
      window.location.replace(url.toString());
    };
    var ask = function () {
      navigator.geolocation.getCurrentPosition(goTo, function () { locate.hidden = true; },
        {timeout: 10000, maximumAge: 600000});
    };
    if (!url.searchParams.has("lat")) {
      locate.hidden = false;
      locate.addEventListener("click", ask);
      // Already allowed: no need to tap. Never asked: wait for a tap, so no prompt pops up by itself.
      if (navigator.permissions) {
        navigator.permissions.query({name: "geolocation"}).then(function (status) {
          if (status.state === "granted") ask();
        }).catch(function () {});
      }
    }
  }
})();
