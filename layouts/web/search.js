/* The search page: look the words of ?q= up in the index the build wrote (search-index.js)
   and list the sections that mention them. Runs from file:// too: nothing is fetched. */
(function () {
  "use strict";
  var data = window.HANDBOOK_SEARCH;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var box = document.getElementById("search-box");
  if (!data || !status || !list || typeof lunr === "undefined") { return; }
  var query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (box) { box.value = query; }
  if (!query) { status.textContent = status.getAttribute("data-ready"); return; }
  var index = lunr.Index.load(data.index);
  var words = lunr.tokenizer(query).map(function (token) { return token.toString(); });
  // Each word as the index stems it, or as the start of a longer word; never the query
  // syntax, so that a typed ":" or "~" cannot break the search.
  var results = index.query(function (q) {
    words.forEach(function (word) {
      q.term(word, { boost: 10 });
      q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
    });
  });
  var say = function (name) { return status.getAttribute(name).replace("{query}", query); };
  status.textContent = results.length ? say("data-found") : say("data-none");
  results.slice(0, 50).forEach(function (result) {
    var shown = data.documents[result.ref];
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = shown.href;
    link.textContent = shown.title;
    var where = document.createElement("span");
    where.className = "search-page";
    where.textContent = " · " + shown.page;
    var excerpt = document.createElement("p");
    excerpt.textContent = shown.excerpt;
    item.appendChild(link);
    item.appendChild(where);
    item.appendChild(excerpt);
    list.appendChild(item);
  });
}());
