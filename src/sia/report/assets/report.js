// sia report: filter the sampled documents by reason. No network, no dependencies.
(function () {
  "use strict";
  var select = document.getElementById("doc-filter");
  if (!select) { return; }
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var count = document.getElementById("doc-count");
  function apply() {
    var opt = select.options[select.selectedIndex];
    var want = select.value;          // a filter class, or "" for every document
    var mark = opt.getAttribute("data-mark") || "";  // the reason's highlight class, if a removal
    var shown = 0;
    docs.forEach(function (d) {
      var on = !want || d.classList.contains(want);
      d.hidden = !on;
      if (on) { shown += 1; }
      Array.prototype.forEach.call(d.querySelectorAll("mark.rm"), function (m) {
        m.classList.toggle("dim", mark !== "" && !m.classList.contains(mark));
      });
    });
    if (count) { count.textContent = shown + " of " + docs.length + " documents"; }
  }
  select.addEventListener("change", apply);
  apply();
})();
