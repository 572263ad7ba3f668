// The hall screen: a clock, the list scrolling by itself, and the center's socket saying when to re-read the
// list (the server renders it; this file only fetches and swaps it). Old TV browsers: plain ES5.
(function () {
  "use strict";
  var body = document.body;

  function tickClock() {
    var clock = document.querySelector("[data-clock]");
    var now = new Date();
    clock.textContent = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }
  setInterval(tickClock, 10000);

  // Scroll the list down slowly, wait at the end, start again from the top.
  var pause = 0;
  setInterval(function () {
    var scroller = document.querySelector("[data-scroller]");
    if (!scroller || scroller.scrollHeight <= scroller.clientHeight) return;
    if (pause > 0) { pause -= 1; return; }
    if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) {
      scroller.scrollTop = 0;
      pause = 100;
    } else {
      scroller.scrollTop += 1;
    }
  }, 50);

  // Re-read the list when the socket says something changed, but at most once every GAP ms: in a busy hour the
  // board changes several times a second, and a screen that re-read on every change kept the server busy with
  // one read after another (p50 0.8 s under load); a hall reads the screen from across the room.
  var GAP = 3000, refreshing = false, again = false, due = null, lastRead = 0;
  function refresh() {
    if (refreshing) { again = true; return; }
    if (due) return;  // a read is already on its way and will show this change too
    var wait = lastRead + GAP - Date.now();
    if (wait > 0) { due = setTimeout(function () { due = null; refresh(); }, wait); return; }
    refreshing = true;
    lastRead = Date.now();
    var request = new XMLHttpRequest();
    request.open("GET", body.getAttribute("data-refresh"));
    request.onload = function () {
      if (request.status === 200) {
        var scroller = document.querySelector("[data-scroller]");
        var top = scroller ? scroller.scrollTop : 0;
        document.getElementById("live").outerHTML = request.responseText;
        scroller = document.querySelector("[data-scroller]");
        if (scroller) scroller.scrollTop = top;
      }
      refreshing = false;
      if (again) { again = false; refresh(); }
    };
    request.onerror = function () { refreshing = false; };
    request.send();
  }

  var delay = 1000, last = 0, status = document.querySelector("[data-status]");
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + body.getAttribute("data-socket"));
    socket.onopen = function () {
      delay = 1000;
      status.hidden = true;
      if (last) socket.send(JSON.stringify({type: "resume", after: last}));
      refresh();  // whatever changed while the screen was away
    };
    socket.onmessage = function (message) {
      var frame = JSON.parse(message.data);
      if (frame.seq) last = frame.seq;
      if (frame.type === "event") refresh();
    };
    socket.onclose = function (event) {
      if (event.code === 4404) return;  // the center is gone: nothing to wait for
      status.hidden = false;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 60000);
    };
  }
  if (window.WebSocket) connect(); else setInterval(refresh, 30000);
})();
