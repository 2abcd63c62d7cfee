// Demo live view: the chat next to what the check makes of each answer, for a room
// to watch on a projector. Polls /adviseur/live.json for this chat's session and
// shows the total so far, the radar chart, each group's score in its band's colour
// and the intake answers. "Nieuwe demo" starts a new chat under a new session id.
(function () {
  "use strict";
  var POLL_MS = 1500;
  // The bot's words after "Nee, niet bewaren" (utter_not_stored in domain.yml; a unit
  // test keeps them equal). Nothing is stored then, so only the chat can tell.
  var NOT_STORED = "ik bewaar je antwoorden niet";
  var CHART_TEXT_SCALE = 1.1;  // the chart's 16 px text shown a little larger
  var CHART_RATIO = 1.2;  // a chart is at most about this much higher than wide
  var CHART_STEP = 8;

  var tag = document.getElementById("kc-live");
  var node = function (id) { return document.getElementById(id); };
  var statusNode = node("live-status");
  var noConsentBox = node("live-no-consent");
  var overallNode = node("live-overall");
  var overallBand = node("live-overall-band");
  var chart = node("live-chart");
  var chartEmpty = node("live-chart-empty");
  var chartBox = node("live-chart-box");
  var groupList = node("live-groups");
  var intakeList = node("live-intake");
  var lastShown = null;
  var chartUrl = null;
  var lastProgress = null;
  var pollTimer = null;

  window.KlantcontactWidget.init({ socketUrl: tag.getAttribute("data-rasa-url"), title: "Past klantcontact bij jou?" });

  function el(name, className, text) {
    var item = document.createElement(name);
    if (className) { item.className = className; }
    if (text !== undefined) { item.textContent = text; }
    return item;
  }

  // "Nee, niet bewaren": the bot said it stores nothing, and the store has nothing.
  function saidNoInChat(widget) {
    return (widget.log || []).some(function (entry) {
      return entry.from === "bot" && typeof entry.text === "string" &&
        entry.text.toLowerCase().indexOf(NOT_STORED) !== -1;
    });
  }

  function consentOf(progress, widget) {
    if (progress && progress.consent === "ja") { return "ja"; }
    if ((progress && progress.consent === "nee") || saidNoInChat(widget)) { return "nee"; }
    return null;
  }

  function statusText(progress, consent) {
    if (consent === "nee") { return ""; }  // the notice below says it all
    if (consent !== "ja" || !progress) { return "Zeg in de chat 'Ja, bewaar ze'. Dan zie je hier de scores groeien."; }
    if (progress.completed) { return "De check is klaar. Dit is de uitslag."; }
    return "Bezig met vraag " + progress.current_question + " van " + progress.total + ".";
  }

  function groupItem(group) {
    var li = el("li", group.band_id ? "band-" + group.band_id : "band-none");
    var head = el("div", "live-group-head");
    head.appendChild(el("span", "live-group-name", group.name));
    head.appendChild(el("span", "live-muted", group.answered + " van " + group.questions + " vragen"));
    var line = el("div", "live-group-line");
    var bar = el("span", "live-bar");
    bar.setAttribute("aria-hidden", "true");
    var fill = el("span", "live-bar-fill");
    fill.style.width = (group.score || 0) + "%";
    bar.appendChild(fill);
    line.appendChild(bar);
    line.appendChild(group.score === null ? el("span", "live-group-score live-muted", "nog geen antwoord") :
      el("span", "live-group-score", group.score + " " + group.band));
    li.appendChild(head);
    li.appendChild(line);
    return li;
  }

  function showIntake(items) {
    intakeList.textContent = "";
    items.forEach(function (item) {
      var li = el("li", "", item.topic + ": ");
      li.appendChild(item.answer === null ? el("span", "live-muted", "nog geen antwoord") :
        el("strong", "", item.answer));
      intakeList.appendChild(li);
    });
  }

  function showOverall(progress) {
    var has = Boolean(progress && progress.overall !== null);
    node("live-total").hidden = !has;
    node("live-total-empty").hidden = has;
    node("live-total-title").textContent = progress && progress.completed ? "Totaal" : "Totaal tot nu toe";
    overallNode.textContent = has ? String(progress.overall) : "";
    overallBand.className = "live-band" + (has ? " band-" + progress.overall_band_id : "");
    overallBand.textContent = has ? progress.overall_band : "";
  }

  // The chart from the scores so far, made for the room it has on screen.
  function showChart(progress) {
    var has = Boolean(progress && progress.overall !== null);
    chart.hidden = !has;
    chartEmpty.hidden = has;
    if (!has) { chartUrl = null; return; }
    var room = window.innerHeight - chartBox.getBoundingClientRect().top - 16;
    var shown = Math.max(240, Math.min(chartBox.clientWidth, room / CHART_RATIO));
    var width = Math.max(240, Math.min(1200, Math.floor(shown / CHART_TEXT_SCALE / CHART_STEP) * CHART_STEP));
    var scores = progress.chart_scores;
    var query = Object.keys(scores).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(scores[key]);
    });
    var url = "/api/chart.svg?" + query.join("&") + "&overall=" + progress.overall + "&routes=&w=" + width;
    chart.style.width = Math.floor(shown) + "px";
    chart.alt = "Radargrafiek van de scores tot nu toe: " + progress.groups.map(function (g) {
      return g.name + " " + (g.score === null ? "nog geen antwoord" : g.score);
    }).join(", ") + ". Totaal " + progress.overall + ".";
    if (url === chartUrl) { return; }
    chartUrl = url;
    var next = new Image();  // swap when loaded, so the chart never flashes empty
    next.onload = function () { if (chartUrl === url) { chart.src = url; } };
    next.src = url;
  }

  function show(progress, widget) {
    var consent = consentOf(progress, widget);
    var key = JSON.stringify([progress, consent]);
    if (key === lastShown) { return; }
    lastShown = key;
    lastProgress = progress;
    statusNode.textContent = statusText(progress, consent);
    statusNode.hidden = consent === "nee";
    noConsentBox.hidden = consent !== "nee";
    document.body.classList.toggle("live-nothing-stored", consent === "nee");
    groupList.textContent = "";
    if (progress) {
      progress.groups.forEach(function (g) { groupList.appendChild(groupItem(g)); });
      showIntake(progress.intake);
    } else {
      intakeList.textContent = "";
    }
    showOverall(progress);
    showChart(progress);
  }

  function poll() {
    var widget = window.KlantcontactWidget.instance;
    var session = widget.sessionId;
    window.clearTimeout(pollTimer);
    fetch("/adviseur/live.json?sessie=" + encodeURIComponent(session), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // A reply for a session the "Nieuwe demo" button already left is dropped.
        if (data && widget.sessionId === session) { show(data.progress || null, widget); }
      })
      .catch(function () { statusNode.textContent = "Scores tijdelijk niet beschikbaar."; lastShown = null; })
      .then(function () { pollTimer = window.setTimeout(poll, POLL_MS); });
  }

  function newDemo() {
    var widget = window.KlantcontactWidget.instance;
    widget.newSession();
    show(null, widget);
    poll();
  }

  function start() {
    var widget = window.KlantcontactWidget.instance;
    // The chat sits in the page's grid, beside the scores, instead of floating over them.
    node("live-chat").appendChild(widget.root);
    widget.open(false);
    node("live-new").addEventListener("click", newDemo);
    window.addEventListener("resize", function () {
      window.clearTimeout(start.resizeTimer);
      start.resizeTimer = window.setTimeout(function () { showChart(lastProgress); }, 300);
    });
    poll();
  }

  // The widget starts on DOMContentLoaded when the page is still loading; this runs after it.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
