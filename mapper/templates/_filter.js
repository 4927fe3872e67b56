// Filter the findings table by rule, severity and line type, and search by name or item id.
(function () {
  var rule = document.getElementById("f-rule");
  var severity = document.getElementById("f-severity");
  var line = document.getElementById("f-line");
  var search = document.getElementById("f-search");
  var count = document.getElementById("f-count");
  var rows = document.querySelectorAll("#findings tbody tr");
  function apply() {
    var text = search.value.trim().toLowerCase();
    var shown = 0;
    for (var i = 0; i < rows.length; i++) {
      var d = rows[i].dataset;
      var ok = (!rule.value || d.rule === rule.value) &&
        (!severity.value || d.severity === severity.value) &&
        (!line.value || d.line === line.value) &&
        (!text || d.search.indexOf(text) >= 0);
      rows[i].hidden = !ok;
      if (ok) { shown++; }
    }
    count.textContent = String(shown);
  }
  [rule, severity, line, search].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
})();
