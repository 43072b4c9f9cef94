/* The library's search box (pipeline/web/templates/search.js). Without JavaScript the page lists
   every handout and the box stays hidden. The index is in the page itself (#search-index), so the
   search works from a file on disk as well as from a server: titles, keywords and summaries in
   every language, accents ignored, small typing mistakes forgiven (Fuse.js). */
(function () {
  "use strict";
  var box = document.getElementById("search-box");
  var input = document.getElementById("search");
  var count = document.getElementById("search-count");
  var plural = new Intl.PluralRules(document.documentElement.lang);
  var none = document.getElementById("no-match");
  var list = document.getElementById("handouts");
  if (!box || !input || !list || typeof Fuse === "undefined") { return; }
  var items = Array.prototype.slice.call(list.children);
  var byId = {};
  items.forEach(function (item) { byId[item.id] = item; });
  var index = JSON.parse(document.getElementById("search-index").textContent);
  var fuse = new Fuse(index, {
    keys: [{name: "number", weight: 3}, {name: "titles", weight: 3}, {name: "keywords", weight: 2},
           {name: "summaries", weight: 1}],
    ignoreDiacritics: true,
    ignoreLocation: true,
    useExtendedSearch: true,   // words separated by spaces must each match somewhere
    includeScore: true,
    threshold: 0.3,
    minMatchCharLength: 2
  });
  var total = items.length;

  function show(ids) {
    var shown = {};
    ids.forEach(function (id) { shown[id] = true; });
    // Best matches first; the full list keeps its own order.
    var order = ids.length && input.value.trim() ? ids.map(function (id) { return byId[id]; }) : items;
    order.forEach(function (item) { list.appendChild(item); });
    items.forEach(function (item) { item.hidden = !shown[item.id]; });
  }

  function search() {
    var words = input.value.trim().split(/\s+/).filter(function (w) { return w.length > 0; });
    if (!words.length) {
      show(items.map(function (item) { return item.id; }));
      none.hidden = true;
      count.textContent = "";
      return;
    }
    var ids = fuse.search(words.join(" ")).map(function (result) { return result.item.id; });
    show(ids);
    none.hidden = ids.length > 0;
    // The language's own plural rule: "1 of 3 handouts matches", "0 document sur 3 correspond".
    var form = plural.select(ids.length) === "one" ? "data-count-one" : "data-count";
    count.textContent = box.getAttribute(form).replace("{shown}", ids.length).replace("{total}", total);
  }

  input.addEventListener("input", search);
  box.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  box.hidden = false;
  if (/[?&]staff\b/.test(location.search)) { document.documentElement.classList.add("staff"); }
  var query = /[?&]q=([^&]*)/.exec(location.search);
  if (query) { input.value = decodeURIComponent(query[1].replace(/\+/g, " ")); search(); }
}());
