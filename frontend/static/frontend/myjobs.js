// Check in by location: fill latitude/longitude from the phone's location, then send the form, with
// how exact it is (coords.accuracy, required: a typed location without it is refused, as is the gig's own
// published point). Without JavaScript or a location, the site code is used.
(function () {
  var form = document.querySelector("[data-geo-form]");
  if (!form || !("geolocation" in navigator)) return;
  form.addEventListener("submit", function (event) {
    if (form.dataset.located) return;
    event.preventDefault();
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(position.coords.accuracy);
      form.dataset.located = "1";
      form.submit();
    }, function () {
      form.querySelector("[data-geo-failed]").hidden = false;
    }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 0});
  });
})();
