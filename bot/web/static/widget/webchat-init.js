// The /webchat page's set-up of botfront's rasa-webchat 1.0.1 (README, "rasa-webchat").
// No initPayload: the socket.io channel reads the empty first message as a greeting.
(function () {
  "use strict";
  // Where rasa-webchat keeps the conversation ("session": sessionStorage, gone with the tab).
  var STORAGE_KEY = "chat_session";
  var erased = false;
  var tag = document.getElementById("kc-webchat");

  function forget() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
      window.localStorage.removeItem(STORAGE_KEY);
    } catch (error) { /* storage blocked: nothing is kept */ }
  }

  // After "verwijder mijn gegevens" the chat stays on screen so you can read the answer;
  // rasa-webchat writes it back to storage with every message, so forget it again on leaving.
  window.addEventListener("pagehide", function () { if (erased) { forget(); } });

  window.WebChat.default({
    socketUrl: tag.getAttribute("data-rasa-url"),
    socketPath: "/socket.io/",
    title: "Past klantcontact bij jou?",
    subtitle: "Klantcontact-check",
    inputTextFieldHint: "Typ je antwoord of je vraag",
    connectingText: "Even wachten op de assistent...",
    mainColor: "#00528a",
    userBackgroundColor: "#00528a",
    userTextColor: "#ffffff",
    hideWhenNotConnected: false,
    withRules: false,
    params: { storage: "session" },
    onSocketEvent: {
      bot_uttered: function (data) {
        if (data && data.type === "data_deleted") { erased = true; forget(); }
      },
    },
  }, null);
})();
