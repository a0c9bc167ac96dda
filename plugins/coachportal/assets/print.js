/* coachportal: the "Print / Save as PDF" button and the printed page footer.
 *
 * No inline script: the portal's Content-Security-Policy allows only its own files.
 * The footer text (client, programme, build date) comes from the page head's
 * data-coachportal-footer; the print style sheet shows it in an @page margin box
 * through the --cp-print-footer custom property, set just before printing.
 */
(function () {
  "use strict";

  function setFooter() {
    var root = document.documentElement;
    var head = document.querySelector("[data-coachportal-footer]");
    if (head) root.style.setProperty("--cp-print-footer", JSON.stringify(head.getAttribute("data-coachportal-footer")));
    else root.style.removeProperty("--cp-print-footer");
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
