/*
 * Material's search worker, with each query rewritten the way the index is written before Material
 * runs it. Material (9.8) has no query hook, but takes its search worker from the page's
 * configuration ("search"); tooling/mkdocs_hooks.py names this file there, with Material's own
 * worker after the "?". tests/browser/test_search.py types readers' questions into the search box.
 */
"use strict"

// Chinese question words say nothing about the topic: 为什么GPU更慢 searches for GPU 更慢.
var ASKING = /为什么|怎么样|怎么|怎样|如何|什么|哪些|哪个|是否|能不能|有没有|是不是|[吗呢吧啊]/g

function rewrite(query) {
  var words = query
    .replace(ASKING, " ")
    // Words the index leaves out (lunr's English stop words) and lone letters or digits: Material
    // appends "*" to every word of a query, so "to" would match every "torch".
    .replace(/[A-Za-z0-9]+(?:\.[0-9]+)*/g, function (word) {
      return word.length > 1 && lunr.stopWordFilter(word.toLowerCase()) ? word : " "
    })
    // Each run of Chinese stands apart from Latin letters and digits, as in the index ("GPU更慢" is
    // GPU 更慢), and ends with U+3005, a separator: Material segments a run by the words of the index
    // but never tries a word that ends the run ("计时" became "计").
    .replace(/[\u3400-\u9fff]+/g, " $&\u3005 ")
  return /[A-Za-z0-9\u3400-\u9fff]/.test(words) ? words : query
}

// Registered before Material's listener, so it runs first.
self.addEventListener("message", function (event) {
  if (event.data && event.data.type === 2 && typeof event.data.data === "string")  // a query
    event.data.data = rewrite(event.data.data)
})
importScripts(location.search.slice(1))
