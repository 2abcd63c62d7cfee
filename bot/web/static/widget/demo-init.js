// The demo page's init call. On another site this is an inline script:
//   KlantcontactWidget.init({ socketUrl: "https://bot.example.nl", title: "..." });
(function () {
  "use strict";
  var tag = document.getElementById("kc-init");
  window.KlantcontactWidget.init({
    socketUrl: tag.getAttribute("data-rasa-url"),
    title: tag.getAttribute("data-title"),
    privacyUrl: tag.getAttribute("data-privacy-url") || undefined,
  });
})();
