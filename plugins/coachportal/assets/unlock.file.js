/* coachportal: on a page opened from file:// only, load the classic copy of unlock.js.
 *
 * Chromium refuses module scripts from file://, where unlock.js (a module) cannot run;
 * over HTTP(S) this does nothing and the classic copy is never downloaded. A file, not
 * an inline script: the portal's Content-Security-Policy allows only its own files.
 * (plugins/coachportal/plugin/scripts.py)
 */
(function () {
  "use strict";
  var me = document.currentScript;
  if (location.protocol !== "file:" || !me) return;
  var script = document.createElement("script");
  script.src = me.src.replace(/unlock\.file\.js([?#].*)?$/, "unlock.classic.js");
  document.head.appendChild(script);
})();
