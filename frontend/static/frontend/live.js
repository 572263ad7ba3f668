// Live updates over the person's own socket (/ws/worker/ or /ws/employer/). Every page works without this: it
// only saves a reload. Events are numbered per person (seq); the last one seen is kept on the phone, and each
// connection asks for what came after it ("resume"). Each event is announced on <body> as "live-event" and, when
// it is about a gig, as "live-gig-<id>": parts of pages with hx-trigger="live-gig-7 from:body" fetch themselves
// again. A worker's offers are fetched as HTML cards (views_live.offer) into the page's live region.
(function () {
  "use strict";
  var body = document.body, path = body.dataset.liveSocket;
  if (!path || !("WebSocket" in window)) return;
  var KEY = "zg-seq-" + body.dataset.liveUser, MAX_REPLAY = 50, LONGEST_WAIT = 60000;
  var pageSeq = Number(body.dataset.liveSeq) || 0, from = pageSeq;
  try {  // events that came after the last one this phone saw, but not a flood of old ones
    var kept = Number(localStorage.getItem(KEY));
    if (kept >= 0 && kept < pageSeq) from = Math.max(kept, pageSeq - MAX_REPLAY);
  } catch (e) { /* storage refused: start from this page */ }
  var handled = {}, failures = 0, timer = null, socket = null, stopped = false;
  var offers = document.querySelector("[data-live-offers]");
  var unread = document.querySelector("[data-live-unread]");

  function remember(seq) {
    handled[seq] = true;
    try {
      if (seq > (Number(localStorage.getItem(KEY)) || 0)) localStorage.setItem(KEY, String(seq));
    } catch (e) { /* nothing to keep it in */ }
  }

  function card(assignment) {
    return offers.querySelector('[data-assignment="' + Number(assignment) + '"]');
  }

  function showOffer(seq, replacing) {
    fetch(offers.dataset.liveOffers.replace(/0\/$/, seq + "/"), {credentials: "same-origin"})
      .then(function (response) { return response.status === 200 ? response.text() : ""; })
      .then(function (html) {
        if (!html) return;
        if (replacing) replacing.outerHTML = html;
        else offers.insertAdjacentHTML("afterbegin", html);
      }).catch(function () { /* offline: the inbox has it */ });
  }

  function handle(frame) {
    var payload = frame.payload || {}, gig = payload.gig || {};
    if (unread && !frame.read && frame.seq > pageSeq) {  // newer than the page's count
      var number = unread.querySelector("[data-live-unread-number]");
      number.textContent = String(Number(number.textContent) + 1);
      unread.hidden = false;
    }
    if (offers && payload.assignment) {
      var shown = card(payload.assignment);
      if (frame.kind === "offer" && !shown) showOffer(frame.seq);
      else if (frame.kind === "withdrawn" && shown) showOffer(frame.seq, shown);
      else if (frame.kind === "hired" && shown) shown.remove();
    }
    if (frame.seq <= pageSeq) return;  // the page was drawn after it: nothing there to fetch again
    body.dispatchEvent(new CustomEvent("live-event", {detail: frame}));
    if (gig.id) body.dispatchEvent(new CustomEvent("live-gig-" + Number(gig.id), {detail: frame}));
  }

  function connect() {
    clearTimeout(timer);
    timer = null;
    if (stopped || socket) return;
    socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    socket.onopen = function () {
      var after = from;
      while (handled[after + 1]) after += 1;
      failures = 0;
      body.dataset.liveState = "open";
      socket.send(JSON.stringify({type: "resume", after: after}));
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      // A push may overtake the replay of older events: each seq once, whatever the order.
      if (frame.type !== "event" || frame.seq <= from || handled[frame.seq]) return;
      remember(frame.seq);
      handle(frame);
    };
    socket.onclose = function (event) {
      socket = null;
      body.dataset.liveState = "closed";
      if (event.code === 4401 || event.code === 4403) {  // logged out, or not this person's socket: stop
        stopped = true;
        return;
      }
      failures += 1;  // 4429 (too many frames): wait the longest; otherwise 2, 4, 8 … s, with jitter
      var wait = event.code === 4429 ? LONGEST_WAIT : Math.min(LONGEST_WAIT, 1000 * Math.pow(2, failures));
      timer = setTimeout(connect, wait * (0.5 + Math.random() / 2));
    };
  }

  function now() { if (timer) connect(); }  // back online or back on screen: no need to wait out the backoff
  window.addEventListener("online", now);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) now(); });
  connect();
})();
