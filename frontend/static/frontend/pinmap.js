// A place set by a pin on a map (tap to put it, drag to move it) or by the phone's location, for any form with
// data-pin-form and latitude/longitude fields: the post form's site, a worker's home. Without scripts the two
// numbers are typed. Leaflet (about 140 KB of script to parse) is fetched only after the page has loaded, so it
// never holds up the form's first paint on a slow phone.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("[data-pin-form]");
    if (!form) return;
    var lat = form.elements.latitude, lng = form.elements.longitude;
    var element = document.getElementById("map");
    var marker = null, map = null;
    function place(latitude, longitude, move) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      lat.dispatchEvent(new Event("change", {bubbles: true}));
      if (!map) return;
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.marker([latitude, longitude], {draggable: true, keyboard: false}).addTo(map)
        .on("dragend", function () { var p = marker.getLatLng(); place(p.lat, p.lng, false); });
      if (move) map.setView([latitude, longitude], 16);
    }
    function drawMap() {
      if (!element || !window.L || map) return;
      element.hidden = false;
      var start = lat.value && lng.value ? [Number(lat.value), Number(lng.value)]
        : [Number(element.dataset.centerLat), Number(element.dataset.centerLng)];
      map = L.map(element, {attributionControl: !!element.dataset.tiles}).setView(start, 14);
      if (element.dataset.tiles) {
        L.tileLayer(element.dataset.tiles, {maxZoom: 18, attribution: element.dataset.attribution}).addTo(map);
      }
      if (lat.value && lng.value) place(start[0], start[1], false);
      map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });
    }
    function loadLeaflet() {
      if (!element || window.L) return drawMap();
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = element.dataset.leafletCss;
      document.head.appendChild(css);
      var script = document.createElement("script");
      script.src = element.dataset.leafletJs;
      script.onload = drawMap;
      document.head.appendChild(script);
    }
    if (document.readyState === "complete") loadLeaflet();
    else window.addEventListener("load", loadLeaflet);
    var locate = form.querySelector("[data-locate-site]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          place(position.coords.latitude, position.coords.longitude, true);
        });
      });
    }
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
