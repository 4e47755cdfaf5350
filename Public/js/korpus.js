// Small enhancements only: every page works without this file.
// Locality picker: inputs marked data-locality-picker get suggestions from the API while one types.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-locality-picker]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("data-locality-picker"));
    if (!list || !window.fetch) { return; }
    var timer = null;
    var lastQuery = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query.length < 2 || query === lastQuery) { return; }
        lastQuery = query;
        fetch("/api/v1/localities?limit=8&q=" + encodeURIComponent(query), { headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            data.items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.name;
              option.label = item.name + " (" + item.voivodeship.name + ")";
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional; the form still works */ });
      }, 150);
    });
  });
})();
