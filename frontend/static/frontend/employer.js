// The employer's pages. The post form, made easier when scripts run: pay units narrowed to the trade's, the quantities shown only
// for their unit, and the site's point set by a pin on the map or by the phone's location. Without scripts
// every field is typed and the service's errors say what is wrong.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("[data-post-form]");
    if (!form) return;
    var trade = form.elements.category, unit = form.elements.pay_unit;
    var unitsByTrade = JSON.parse(document.getElementById("units-by-trade").textContent);

    function narrowUnits() {
      var allowed = unitsByTrade[trade.value];
      Array.prototype.forEach.call(unit.options, function (option) {
        option.hidden = option.disabled = !!allowed && allowed.indexOf(option.value) < 0;
      });
      if (unit.selectedOptions[0] && unit.selectedOptions[0].disabled) {
        var first = Array.prototype.find.call(unit.options, function (o) { return !o.disabled; });
        if (first) unit.value = first.value;
      }
      showQuantities();
    }
    function showQuantities() {
      form.querySelectorAll("[data-for-unit]").forEach(function (box) {
        var shown = box.dataset.forUnit === unit.value;
        box.hidden = !shown;
        box.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
      });
    }
    trade.addEventListener("change", narrowUnits);
    unit.addEventListener("change", showQuantities);
    narrowUnits();

    var lat = form.elements.latitude, lng = form.elements.longitude;
    var element = document.getElementById("map");
    var marker = null, map = null;
    function place(latitude, longitude, move) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      if (!map) return;
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.marker([latitude, longitude], {draggable: true, keyboard: false}).addTo(map)
        .on("dragend", function () { var p = marker.getLatLng(); place(p.lat, p.lng, false); });
      if (move) map.setView([latitude, longitude], 16);
    }
    if (element && window.L) {
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
