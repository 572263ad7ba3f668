// The employer's pages. The post form, made easier when scripts run: pay units narrowed to the trade's and the
// quantities shown only for their unit (the site's pin is pinmap.js). Without scripts every field is typed and
// the service's errors say what is wrong.
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
  }
  document.addEventListener("DOMContentLoaded", setUp);
})();
