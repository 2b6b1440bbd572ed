// Two things the widget manager (@jupyter-widgets/html-manager) expects of the page
// that a Sphinx book page does differently. This file is loaded before both.
//
// 1. The theme's Font Awesome script replaces every <i class="fa ..."> by an <svg>;
//    the Play widget later sets its <i>'s className (play/pause) and throws when the
//    <i> is gone, which stops the slider, Play and the frames from following each
//    other. "nest" puts the <svg> inside the <i> and keeps the <i>.
window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, {autoReplaceSvg: "nest"});

// 2. MathJax.
// @jupyter-widgets/controls typesets widget labels with MathJax 2's API,
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the site loads MathJax 3,
// which has no Hub. Give whatever object becomes window.MathJax (Sphinx's
// configuration first, then MathJax 3 itself) a Hub that calls MathJax 3.
(function () {
  var hub = {
    Queue: function (command) {
      var mathjax = window.MathJax, element = command && command[2];
      if (element && mathjax && mathjax.startup && mathjax.startup.promise && mathjax.typesetPromise) {
        mathjax.startup.promise.then(function () { return mathjax.typesetPromise([element]); });
      }  // before MathJax 3 has started, its first pass typesets the page anyway
    }
  };
  var current = window.MathJax;
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: function () { return current; },
    set: function (value) {
      if (value && typeof value === "object" && !("Hub" in value)) {
        Object.defineProperty(value, "Hub", {value: hub, enumerable: false, configurable: true});
      }
      current = value;
    }
  });
  if (current) { window.MathJax = current; }
})();
