/*
 * Klantcontact-check chat widget.
 *
 *   <script src="/vendor/socket.io.min.js"></script>
 *   <script src="/widget/klantcontact-widget.js"></script>
 *   <script>KlantcontactWidget.init({ socketUrl: "http://127.0.0.1:5005" });</script>
 *
 * Options: socketUrl (required), title, startOpen, color, strings (Dutch texts),
 * apiBase (where /api/result.json lives; default: this page's origin).
 * Every text from the user and the bot is escaped before it is shown; only a
 * small safe subset of markdown (bold, lists, https links) is rendered.
 */
(function () {
  "use strict";

  var STORAGE_SESSION = "kc-widget-session";
  var STORAGE_LOG = "kc-widget-log";
  var STORAGE_OPEN = "kc-widget-open";
  var MAX_LOG = 400;

  var DEFAULT_STRINGS = {
    launcher: "Chat: past klantcontact bij jou?",
    close: "Chat sluiten",
    inputLabel: "Jouw bericht",
    placeholder: "Typ je antwoord...",
    send: "Verstuur",
    typing: "De assistent typt...",
    disconnected: "De verbinding is weg. Ik probeer opnieuw te verbinden...",
    reconnected: "Weer verbonden. Je kunt verder.",
    progress: "Voortgang",
    resultTitle: "Jouw uitslag",
    scoresTitle: "Je scores",
    routesTitle: "Advies",
    report: "Download je rapport (PDF)",
    myData: "Download je gegevens (JSON-bestand)",
    you: "Jij",
    bot: "Assistent",
  };

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  // Safe markdown: escape everything first, then allow **bold**, "- " lists
  // and https links. Nothing the user or the bot sends can become markup.
  function renderMarkdown(text) {
    var lines = escapeHtml(text).split("\n");
    var html = [];
    var inList = false;
    lines.forEach(function (line) {
      var item = /^- (.*)$/.exec(line);
      if (item && !inList) { html.push("<ul>"); inList = true; }
      if (!item && inList) { html.push("</ul>"); inList = false; }
      var body = inline(item ? item[1] : line);
      if (item) { html.push("<li>" + body + "</li>"); }
      else if (line.trim() === "") { html.push("<br>"); }
      else { html.push("<p>" + body + "</p>"); }
    });
    if (inList) { html.push("</ul>"); }
    return html.join("");
  }

  function inline(escaped) {
    return escaped
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/(https:\/\/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+[A-Za-z0-9/])/g,
        '<a href="$1" target="_blank" rel="noopener noreferrer">$1</a>');
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) { return fallback; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function Widget(options) {
    this.options = options;
    this.strings = Object.assign({}, DEFAULT_STRINGS, options.strings || {});
    this.apiBase = options.apiBase || "";
    this.sessionId = load(STORAGE_SESSION, null);
    if (!this.sessionId || !/^[0-9a-f]{32}$/.test(this.sessionId)) {
      this.sessionId = randomId();
      save(STORAGE_SESSION, this.sessionId);
      save(STORAGE_LOG, []);
    }
    this.log = load(STORAGE_LOG, []);
    this.wasDisconnected = false;
    this.build();
    this.replay();
    this.connect();
    var open = load(STORAGE_OPEN, null);
    if (open === true || (open === null && options.startOpen)) { this.open(false); }
  }

  Widget.prototype.build = function () {
    var s = this.strings;
    var root = el("div", { class: "kc-widget" });
    if (this.options.color) { root.style.setProperty("--kc-color", this.options.color); }
    this.launcher = el("button", { type: "button", class: "kc-launcher", "aria-expanded": "false",
      "aria-controls": "kc-panel" }, s.launcher);
    this.panel = el("section", { id: "kc-panel", class: "kc-panel", "aria-label": this.options.title || s.launcher,
      hidden: "" });
    var header = el("div", { class: "kc-header" });
    header.appendChild(el("h2", { class: "kc-title" }, this.options.title || s.launcher));
    this.closeButton = el("button", { type: "button", class: "kc-close", "aria-label": s.close }, "×");
    header.appendChild(this.closeButton);
    this.progress = el("div", { class: "kc-progress", role: "progressbar", "aria-label": s.progress,
      "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0", hidden: "" });
    this.progressBar = el("div", { class: "kc-progress-bar" });
    this.progress.appendChild(this.progressBar);
    this.messages = el("div", { class: "kc-messages", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", tabindex: "0", "aria-label": "Gesprek" });
    this.status = el("p", { class: "kc-status", role: "status" });
    this.typing = el("p", { class: "kc-typing", hidden: "" }, s.typing);
    this.replies = el("div", { class: "kc-replies", role: "group", "aria-label": "Antwoorden" });
    this.form = el("form", { class: "kc-form" });
    var label = el("label", { for: "kc-input", class: "kc-label" }, s.inputLabel);
    this.input = el("input", { id: "kc-input", type: "text", autocomplete: "off", maxlength: "1000",
      placeholder: s.placeholder });
    var send = el("button", { type: "submit", class: "kc-send" }, s.send);
    this.form.appendChild(label);
    this.form.appendChild(this.input);
    this.form.appendChild(send);
    [header, this.progress, this.messages, this.status, this.typing, this.replies, this.form]
      .forEach(function (part) { this.panel.appendChild(part); }, this);
    root.appendChild(this.panel);
    root.appendChild(this.launcher);
    document.body.appendChild(root);

    var self = this;
    this.launcher.addEventListener("click", function () { self.open(true); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (text) { self.sendUser(text, text); self.input.value = ""; }
    });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { self.close(); }
    });
  };

  Widget.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.hidden = true;
    save(STORAGE_OPEN, true);
    if (this.log.length === 0 && !this.greeted) {
      this.greeted = true;
      this.emit("/greet");
    }
    if (focus) { this.input.focus(); }
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    save(STORAGE_OPEN, false);
    this.launcher.focus();
  };

  Widget.prototype.connect = function () {
    var self = this;
    this.socket = window.io(this.options.socketUrl, { transports: ["websocket"], path: "/socket.io" });
    this.socket.on("connect", function () {
      self.socket.emit("session_request", { session_id: self.sessionId });
      if (self.wasDisconnected) { self.setStatus(self.strings.reconnected); }
      self.wasDisconnected = false;
    });
    this.socket.on("disconnect", function () {
      self.wasDisconnected = true;
      self.setStatus(self.strings.disconnected);
    });
    this.socket.on("connect_error", function () {
      if (!self.wasDisconnected) { self.wasDisconnected = true; self.setStatus(self.strings.disconnected); }
    });
    this.socket.on("bot_uttered", function (data) { self.receive(data || {}); });
  };

  Widget.prototype.setStatus = function (text) { this.status.textContent = text; };

  Widget.prototype.emit = function (message) {
    this.socket.emit("user_uttered", { message: message, session_id: this.sessionId });
    this.showTyping(true);
  };

  Widget.prototype.sendUser = function (shown, message) {
    this.add({ from: "user", text: shown });
    this.clearReplies();
    this.emit(message);
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    this.typing.hidden = !on;
    window.clearTimeout(this.typingTimer);
    if (on) { this.typingTimer = window.setTimeout(function () { self.typing.hidden = true; }, 15000); }
  };

  Widget.prototype.receive = function (data) {
    this.showTyping(false);
    if (data.type === "assessment_result") {
      this.add({ from: "bot", result: data });
      return;
    }
    if (data.type === "my_data_export") { this.offerDownload(data); return; }
    if (data.type === "data_deleted") { this.forget(); return; }
    var buttons = (data.quick_replies || data.buttons || []).map(function (b) {
      return { title: String(b.title), payload: String(b.payload) };
    });
    if (data.text) { this.add({ from: "bot", text: String(data.text), buttons: buttons }); }
  };

  // "Wat weet je van mij?": the export as a JSON file made in the browser (not kept in the log).
  Widget.prototype.offerDownload = function (data) {
    var item = el("div", { class: "kc-message kc-bot" });
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var link = el("a", { href: URL.createObjectURL(blob), download: "mijn-gegevens-klantcontact-check.json",
      class: "kc-report" }, this.strings.myData);
    item.appendChild(link);
    this.messages.appendChild(item);
    this.messages.scrollTop = this.messages.scrollHeight;
  };

  // After "verwijder mijn gegevens": forget the conversation in this browser too, start anew.
  Widget.prototype.forget = function () {
    this.log = [];
    save(STORAGE_LOG, this.log);
    this.sessionId = randomId();
    save(STORAGE_SESSION, this.sessionId);
  };

  Widget.prototype.add = function (entry) {
    this.log.push(entry);
    if (this.log.length > MAX_LOG) { this.log = this.log.slice(-MAX_LOG); }
    save(STORAGE_LOG, this.log);
    this.render(entry, true);
  };

  Widget.prototype.replay = function () {
    this.log.forEach(function (entry, index) {
      this.render(entry, index === this.log.length - 1);
    }, this);
  };

  Widget.prototype.render = function (entry, isLast) {
    var item = el("div", { class: "kc-message kc-" + entry.from });
    var who = el("span", { class: "kc-visually-hidden" },
      (entry.from === "user" ? this.strings.you : this.strings.bot) + ": ");
    item.appendChild(who);
    if (entry.result) {
      item.appendChild(this.resultCard(entry.result));
    } else {
      var body = el("div", { class: "kc-text" });
      body.innerHTML = renderMarkdown(entry.text);
      item.appendChild(body);
      if (entry.from === "bot") { this.updateProgress(entry.text); }
    }
    this.messages.appendChild(item);
    this.messages.scrollTop = this.messages.scrollHeight;
    if (isLast) {
      this.clearReplies();
      if (entry.buttons && entry.buttons.length) { this.showReplies(entry.buttons); }
    }
  };

  Widget.prototype.updateProgress = function (text) {
    var match = /^Vraag (\d+) van (\d+)/.exec(text);
    if (!match) { return; }
    var percent = Math.round((Number(match[1]) - 1) / Number(match[2]) * 100);
    this.progress.hidden = false;
    this.progress.setAttribute("aria-valuenow", String(percent));
    this.progress.setAttribute("aria-valuetext", "Vraag " + match[1] + " van " + match[2]);
    this.progressBar.style.width = percent + "%";
  };

  Widget.prototype.clearReplies = function () {
    while (this.replies.firstChild) { this.replies.removeChild(this.replies.firstChild); }
  };

  Widget.prototype.showReplies = function (buttons) {
    var self = this;
    buttons.forEach(function (button) {
      var node = el("button", { type: "button", class: "kc-reply" }, button.title);
      node.addEventListener("click", function () {
        self.sendUser(button.title, button.payload);
        self.input.focus();  // the buttons go away: keep keyboard users in the chat
      });
      self.replies.appendChild(node);
    });
  };

  Widget.prototype.resultCard = function (result) {
    var s = this.strings;
    var card = el("div", { class: "kc-card" });
    card.appendChild(el("h3", {}, s.resultTitle));
    var query = Object.keys(result.scores || {}).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(result.scores[key]);
    });
    query.push("overall=" + encodeURIComponent(result.overall));
    query.push("routes=" + encodeURIComponent((result.routes || []).join(",")));
    var body = el("div", { class: "kc-card-body" }, "...");
    card.appendChild(body);
    fetch(this.apiBase + "/api/result.json?" + query.join("&"))
      .then(function (response) {
        if (!response.ok) { throw new Error("result " + response.status); }
        return response.json();
      })
      .then(function (data) {
        body.textContent = "";
        var image = el("img", { src: this.apiBase + data.chart_url, alt: data.chart_alt, class: "kc-chart",
          width: "560", height: "480" });
        body.appendChild(image);
        body.appendChild(el("p", { class: "kc-overall" }, data.overall_words + " Totaal: " + data.overall + " van de 100."));
        body.appendChild(el("h4", {}, s.scoresTitle));
        var scores = el("ul", { class: "kc-scores" });
        data.groups.forEach(function (g) {
          scores.appendChild(el("li", {}, g.name + ": " + g.score + " (" + g.band + ")"));
        });
        body.appendChild(scores);
        body.appendChild(el("p", {}, "Sterk in: " + data.strengths.join(", ") + "."));
        body.appendChild(el("p", {}, "Groeien in: " + data.develop.join(", ") + "."));
        if (data.routes.length) {
          body.appendChild(el("h4", {}, s.routesTitle));
          var routes = el("ul", { class: "kc-routes" });
          data.routes.slice(0, 3).forEach(function (r) {
            var li = el("li", {});
            if (r.link) {
              li.appendChild(el("a", { href: r.link, target: "_blank", rel: "noopener noreferrer" }, r.name));
            } else {
              li.appendChild(el("strong", {}, r.name));
            }
            li.appendChild(document.createTextNode(": " + r.what));
            routes.appendChild(li);
          });
          body.appendChild(routes);
        }
        body.appendChild(el("a", { href: this.apiBase + data.report_url, class: "kc-report", download: "" }, s.report));
      }.bind(this))
      .catch(function () {
        body.textContent = "De uitslag kan nu niet worden getoond. Probeer het later opnieuw.";
      });
    return card;
  };

  window.KlantcontactWidget = {
    init: function (options) {
      if (!options || !options.socketUrl) { throw new Error("KlantcontactWidget: socketUrl is required"); }
      if (!window.io) { throw new Error("KlantcontactWidget: load socket.io first"); }
      var start = function () { window.KlantcontactWidget.instance = new Widget(options); };
      if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
      else { start(); }
    },
    escapeHtml: escapeHtml,
    renderMarkdown: renderMarkdown,
  };
})();
