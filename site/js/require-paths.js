// The widget manager (embed-amd.js) registers its modules with require.js as
// "@jupyter-widgets/...", and finds its icon fonts next to their module URLs.
// Map those names to the site's own copy, wherever the page sits in the site.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({paths: {"@jupyter-widgets": here + "jupyter-widgets"}});
})();
