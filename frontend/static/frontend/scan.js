// Check in by scanning the site's QR code with the camera, where the browser can (BarcodeDetector and
// getUserMedia); elsewhere the button stays hidden and the code is typed. The QR holds a link to our check-in
// page for the gig with the code; only a link to this very gig fills in the code, and sending the form lets the
// server check it, as when it is typed.
(function () {
  "use strict";
  var form = document.querySelector("[data-code-form]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var button = form.querySelector("[data-scan]"), label = form.querySelector("[data-scan-label]");
  var video = form.querySelector("[data-scan-video]"), note = form.querySelector("[data-scan-note]");
  var start = label.textContent, stream = null, timer = null, detector = null;

  function say(text) { note.textContent = text; note.hidden = !text; }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    label.textContent = start;
  }

  // The code in what the QR holds, or a sentence saying why there is none.
  function read(text) {
    text = (text || "").trim();
    if (/^[0-9]{6}$/.test(text)) return {code: text};
    var url;
    try { url = new URL(text); } catch (error) { return {why: form.dataset.notACode}; }
    if (url.origin !== window.location.origin || url.pathname.indexOf("/check-in/") < 0) return {why: form.dataset.notACode};
    if (url.pathname !== form.dataset.scanPath) return {why: form.dataset.otherGig};
    var code = url.searchParams.get("code") || "";
    return /^[0-9]{6}$/.test(code) ? {code: code} : {why: form.dataset.notACode};
  }

  function look() {
    detector.detect(video).then(function (found) {
      for (var i = 0; i < found.length; i++) {
        var result = read(found[i].rawValue);
        if (result.code) {
          stop();
          form.elements.code.value = result.code;
          form.submit();
          return;
        }
        say(result.why);
      }
      if (stream) timer = setTimeout(look, 250);
    }, function () { if (stream) timer = setTimeout(look, 500); });
  }

  function scan() {
    say("");
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      label.textContent = button.dataset.stop;
      var played = video.play();
      if (played && played.catch) played.catch(function () {});
      look();
    }, function () { say(form.dataset.noCamera); });
  }

  var formats = window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats()
    : Promise.resolve(["qr_code"]);
  formats.then(function (supported) {
    if (supported.indexOf("qr_code") < 0) return;
    detector = new window.BarcodeDetector({formats: ["qr_code"]});
    button.hidden = false;
    button.addEventListener("click", function () { if (stream) stop(); else scan(); });
  }, function () {});
  window.addEventListener("pagehide", stop);
})();
