// Demo live view: start the chat widget and show the scores of this chat as they come in.
(function () {
  "use strict";
  var tag = document.getElementById("kc-live");
  var statusNode = document.getElementById("live-status");
  var list = document.getElementById("live-groups");
  window.KlantcontactWidget.init({ socketUrl: tag.getAttribute("data-rasa-url"), title: "Past klantcontact bij jou?" });

  function item(group) {
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.textContent = group.name + ": " + (group.score === null ? "nog geen antwoord" :
      group.score + " (" + group.band + ")") + " - " + group.answered + " van " + group.questions + " vragen";
    var meter = document.createElement("meter");
    meter.min = 0; meter.max = 100; meter.value = group.score || 0;
    meter.setAttribute("aria-hidden", "true");
    li.appendChild(label);
    li.appendChild(meter);
    return li;
  }

  function show(data) {
    if (!data.progress) { return; }
    var p = data.progress;
    statusNode.textContent = p.completed ? "De check is klaar." :
      p.answered + " van de " + p.total + " vragen beantwoord.";
    list.textContent = "";
    p.groups.forEach(function (g) { list.appendChild(item(g)); });
  }

  function poll() {
    var widget = window.KlantcontactWidget.instance;
    if (!widget) { window.setTimeout(poll, 500); return; }
    fetch("/adviseur/live.json?sessie=" + encodeURIComponent(widget.sessionId), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { statusNode.textContent = "Scores tijdelijk niet beschikbaar."; })
      .then(function () { window.setTimeout(poll, 1500); });
  }

  function openChat() {
    var widget = window.KlantcontactWidget.instance;
    if (widget) { widget.open(false); } else { window.setTimeout(openChat, 200); }
  }
  openChat();
  poll();
})();
