/* coachportal: the "Print / Save as PDF" button and the printed page footer.
 *
 * No inline script: the portal's Content-Security-Policy allows only its own files.
 * The footer text (client, programme, build date) comes from the page head's
 * data-coachportal-footer; the print style sheet shows it in an @page margin box
 * through the --cp-print-footer custom property, set just before printing. The words
 * around the page numbers ("page 2 of 5", "Seite 2 von 5") come from the same element's
 * data-coachportal-pages, a JSON list of three strings, as --cp-print-page-a/b/c.
 */
(function () {
  "use strict";

  function setFooter() {
    var root = document.documentElement;
    var head = document.querySelector("[data-coachportal-footer]");
    if (head) root.style.setProperty("--cp-print-footer", JSON.stringify(head.getAttribute("data-coachportal-footer")));
    else root.style.removeProperty("--cp-print-footer");
    var words = null;
    try {
      words = head ? JSON.parse(head.getAttribute("data-coachportal-pages") || "null") : null;
    } catch (e) {
      words = null;
    }
    ["a", "b", "c"].forEach(function (name, i) {
      var part = words && typeof words[i] === "string" ? words[i] : null;
      if (part === null) root.style.removeProperty("--cp-print-page-" + name);
      else root.style.setProperty("--cp-print-page-" + name, JSON.stringify(part));
    });
  }

  window.addEventListener("beforeprint", setFooter);

  // Capture phase: this handler alone answers the button (one print dialog per click).
  window.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target : null;
      if (!target || !target.closest("[data-coachportal-print]")) return;
      event.preventDefault();
      event.stopPropagation();
      setFooter();
      window.print();
    },
    true
  );
})();
