/* The search page: look the words of ?q= up in the index the build wrote (search-index.js)
   and list the sections that mention them. Runs from file:// too: nothing is fetched.
   Chinese, Vietnamese and Arabic words are split and folded by searchWords, as the build's
   search_words (handbook/web/search.py) split the index: the two must agree. */
(function (root) {
  "use strict";
  var CJK = "\u2E80-\u9FFF\uF900-\uFAFF";
  var WORD = /(?:[\p{L}\p{N}]|[\u0300-\u036F\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED])+/gu;
  var ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
  var ARABIC_PREFIX = /^(?:[وف]?(?:[بك]?ال|لل|[بكل])|[وف])(?=..)/;
  var ARABIC_LETTERS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه" };

  // The words the index holds for a text, or (query) those to look up for a typed one.
  function searchWords(text, how, query) {
    var found = [];
    var words = text.normalize("NFC").toLowerCase().match(WORD) || [];
    words.forEach(function (word) {
      if (how === "cjk") {
        (word.match(new RegExp("[" + CJK + "]+|[^" + CJK + "]+", "g")) || []).forEach(function (run) {
          if (!new RegExp("^[" + CJK + "]").test(run) || run.length === 1) { found.push(run); return; }
          var chars = Array.from(run), pairs = [];
          for (var i = 0; i + 1 < chars.length; i++) { pairs.push(chars[i] + chars[i + 1]); }
          found = found.concat(query ? pairs : chars.concat(pairs));
        });
      } else if (how === "tones") {
        var bare = word.normalize("NFD").replace(/\p{M}/gu, "").normalize("NFC").replace(/đ/g, "d");
        found.push(word);
        if (bare !== word) { found.push(bare); }
      } else {
        var folded = word.replace(ARABIC_MARKS, "").replace(/[أإآٱىة]/g, function (c) { return ARABIC_LETTERS[c]; });
        var stem = folded.replace(ARABIC_PREFIX, "");
        found.push(folded);
        if (stem !== folded) { found.push(stem); }
      }
    });
    return found;
  }

  if (typeof module !== "undefined" && module.exports) {  // Node, for the tests
    module.exports = { searchWords: searchWords };
    return;
  }
  var data = root.HANDBOOK_SEARCH;
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var box = document.getElementById("search-box");
  if (!data || !status || !list || typeof lunr === "undefined") { return; }
  var query = (new URLSearchParams(root.location.search).get("q") || "").trim();
  if (box) { box.value = query; }
  if (!query) { status.textContent = status.getAttribute("data-ready"); return; }
  var index = lunr.Index.load(data.index);
  var results = index.query(function (q) {
    if (data.words === "cjk") {
      // Every pair of characters typed must be in the section: a phrase, near enough.
      searchWords(query, data.words, true).forEach(function (word) {
        q.term(word, { usePipeline: false, presence: lunr.Query.presence.REQUIRED });
      });
    } else if (data.words) {
      // As typed (tones, vowel marks) first, then folded, then as the start of a longer word.
      searchWords(query, data.words, true).forEach(function (word, i) {
        q.term(word, { usePipeline: false, boost: i % 2 ? 1 : 10 });
        q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
      });
    } else {
      // Each word as the index stems it, or as the start of a longer word; never the query
      // syntax, so that a typed ":" or "~" cannot break the search.
      lunr.tokenizer(query).map(function (token) { return token.toString(); }).forEach(function (word) {
        q.term(word, { boost: 10 });
        q.term(word, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
      });
    }
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
}(this));
