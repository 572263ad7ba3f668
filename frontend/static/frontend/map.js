// Maps with Leaflet (served by the app). Tiles only when the site configures a tile server; without them the
// pins still show, on a plain background.
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("map");
    var pinsData = document.getElementById("map-pins");
    if (!element || !window.L || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    var pins = JSON.parse(pinsData.textContent);
    if (!Array.isArray(pins)) pins = [pins];
    var originData = document.getElementById("map-origin");
    var origin = originData ? JSON.parse(originData.textContent) : pins[0];
    var map = L.map(element, {attributionControl: !!element.dataset.tiles})
      .setView([origin.lat, origin.lng], Number(element.dataset.zoom || 13));
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, {maxZoom: 18, attribution: element.dataset.attribution}).addTo(map);
    }
    var bounds = [[origin.lat, origin.lng]];
    if (originData) {
      L.circleMarker([origin.lat, origin.lng], {radius: 8, color: "#1d2330", fillColor: "#ffffff", fillOpacity: 1})
        .addTo(map);
    }
    pins.forEach(function (pin) {
      var marker = L.circleMarker([pin.lat, pin.lng], {radius: 11, color: "#ffffff", weight: 2,
        fillColor: "#b0122a", fillOpacity: 0.9}).addTo(map);
      if (pin.url) {
        marker.bindTooltip(pin.title);
        marker.on("click", function () { window.location.href = pin.url; });
      }
      bounds.push([pin.lat, pin.lng]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15});
  }
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSwap", draw);
})();
