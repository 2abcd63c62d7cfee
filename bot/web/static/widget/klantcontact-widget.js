/*
 * Klantcontact-check chat widget.
 *
 *   <script src="/vendor/socket.io.min.js"></script>
 *   <script src="/widget/klantcontact-widget.js"></script>
 *   <script>KlantcontactWidget.init({ socketUrl: "http://127.0.0.1:5005" });</script>
 *
 * Options: socketUrl (required), title, startOpen, color, strings (Dutch texts),
 * apiBase (where /api/result.json lives; default: this page's origin),
 * privacyUrl (our privacy page; shown as a link in words whatever its scheme;
 * default: any link whose path is /privacy).
 * KlantcontactWidget.instance.newSession() starts a fresh chat (the adviser's live demo only).
 * Every text from the user and the bot is escaped before it is shown; only a
 * small safe subset of markdown (bold, lists, https links) is rendered.
 *
 * What a person sees: after every bot turn the start of the newest bot message
 * (or of the result card) is scrolled into view, with its answer buttons right
 * below it; when the buttons do not fit, the question stays in view and a hint
 * says that more options follow.
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
    progressQuestion: "Vraag {n} van {total}",
    progressDone: "Klaar",
    conversation: "Gesprek",
    answers: "Antwoorden",
    moreOptions: "Meer keuzes",
    privacyLink: "Lees hoe we met je gegevens omgaan",
    copy: "Kopieer",
    copied: "Gekopieerd",
    copiedStatus: "De deelcode is gekopieerd.",
    copyFailed: "Kopiëren lukt niet. Selecteer de code en kopieer hem zelf.",
    resultTitle: "Jouw uitslag",
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

  var URL_PATTERN = /https?:\/\/[A-Za-z0-9._~:/?#@!$&()*+,;=%-]+[A-Za-z0-9/]/g;
  var SHARE_CODE = /\b([2-9A-Z]{4}-[2-9A-Z]{4})\b/g;

  // Safe markdown: escape everything first, then allow **bold**, "- " lists
  // and https links. Nothing the user or the bot sends can become markup.
  // ``options.privacyUrl`` is our privacy page: linked in words, whatever its scheme.
  // A share code ("deelcode") is kept on one line.
  function renderMarkdown(text, options) {
    var inline = function (escaped) { return inlineMarkup(escaped, options || {}); };
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

  function isPrivacyUrl(url, privacyUrl) {
    if (privacyUrl) { return url === escapeHtml(privacyUrl); }
    return /^https?:\/\/[^/?#]+\/privacy$/.test(url);
  }

  function inlineMarkup(escaped, options) {
    var html = escaped
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(URL_PATTERN, function (url) {
        if (isPrivacyUrl(url, options.privacyUrl)) {
          return '<a href="' + url + '" class="kc-privacy" target="_blank" rel="noopener noreferrer">' +
            escapeHtml(options.privacyLink || DEFAULT_STRINGS.privacyLink) + "</a>";
        }
        if (url.indexOf("https://") !== 0) { return url; }  // only our own page over http
        return '<a href="' + url + '" target="_blank" rel="noopener noreferrer">' + url + "</a>";
      });
    // "Meer over je gegevens en je rechten: <link>": the link's words say it all.
    html = html.replace(/(^|<br>|\n)[^<>\n]{0,80}:\s*(<a [^>]*class="kc-privacy")/g, "$1$2");
    if (/deelcode/i.test(escaped)) {
      html = html.replace(SHARE_CODE, '<span class="kc-code">$1</span>');
    }
    return html;
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
    var track = el("div", { class: "kc-progress-track" });
    this.progressBar = el("div", { class: "kc-progress-bar" });
    track.appendChild(this.progressBar);
    this.progressLabel = el("span", { class: "kc-progress-label", "aria-hidden": "true" });
    this.progress.appendChild(track);
    this.progress.appendChild(this.progressLabel);
    // One scrolling area: the conversation, the answer buttons under the newest
    // question, and the typing indicator.
    var body = el("div", { class: "kc-body" });
    this.scroller = el("div", { class: "kc-scroll", role: "region", tabindex: "0",
      "aria-label": s.conversation });
    this.messages = el("div", { class: "kc-messages", role: "log", "aria-live": "polite",
      "aria-relevant": "additions" });
    this.replies = el("div", { class: "kc-replies", role: "group", "aria-label": s.answers });
    this.typing = el("p", { class: "kc-typing", hidden: "" }, s.typing);
    this.scroller.appendChild(this.messages);
    this.scroller.appendChild(this.replies);
    this.scroller.appendChild(this.typing);
    // A visual hint only; keyboard and screen reader users reach every button anyway.
    this.more = el("div", { class: "kc-more", "aria-hidden": "true", hidden: "" }, s.moreOptions);
    body.appendChild(this.scroller);
    body.appendChild(this.more);
    this.status = el("p", { class: "kc-status", role: "status" });
    this.form = el("form", { class: "kc-form" });
    var label = el("label", { for: "kc-input", class: "kc-label" }, s.inputLabel);
    this.input = el("input", { id: "kc-input", type: "text", autocomplete: "off", maxlength: "1000",
      placeholder: s.placeholder });
    var send = el("button", { type: "submit", class: "kc-send" }, s.send);
    this.form.appendChild(label);
    this.form.appendChild(this.input);
    this.form.appendChild(send);
    [header, this.progress, body, this.status, this.form]
      .forEach(function (part) { this.panel.appendChild(part); }, this);
    root.appendChild(this.panel);
    root.appendChild(this.launcher);
    document.body.appendChild(root);
    this.root = root;

    var self = this;
    // Thick focus rings for keyboard users only: a click or tap never leaves one behind.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Tab") { root.classList.add("kc-keyboard"); }
    }, true);
    document.addEventListener("pointerdown", function () { root.classList.remove("kc-keyboard"); }, true);
    this.scroller.addEventListener("scroll", function () {
      if (Math.abs(self.scroller.scrollTop - self.autoScrollTop) > 2) { self.userScrolled = true; }
      self.updateMore();
    });
    // New buttons show no hover effect until the pointer really moves over them.
    this.replies.addEventListener("pointermove", function (event) {
      if (event.movementX || event.movementY) { self.replies.classList.remove("kc-fresh"); }
    });
    this.more.addEventListener("click", function () {
      var last = self.replies.lastElementChild;
      if (last) { last.scrollIntoView({ block: "end", behavior: "smooth" }); }
    });
    if (window.ResizeObserver) {
      // Images that load, fonts, a phone keyboard: keep the newest question in view.
      var observer = new window.ResizeObserver(function () {
        if (!self.userScrolled) { self.keepInView(); } else { self.updateMore(); }
      });
      observer.observe(this.scroller);
      observer.observe(this.messages);
    }
    window.addEventListener("resize", function () {
      window.clearTimeout(self.resizeTimer);
      self.resizeTimer = window.setTimeout(function () { self.fitCharts(); }, 300);
    });
    this.launcher.addEventListener("click", function (event) { self.open(true, event.detail === 0); });
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

  // ``byKeyboard``: focus the text box; after a click or tap focus the conversation
  // instead, so a phone does not open its keyboard over the chat.
  Widget.prototype.open = function (focus, byKeyboard) {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.hidden = true;
    save(STORAGE_OPEN, true);
    if (this.log.length === 0 && !this.greeted) {
      this.greeted = true;
      this.emit("/greet");
    }
    this.fitCharts();
    this.keepInView();
    if (focus && byKeyboard) { this.input.focus(); }
    else if (focus) { this.scroller.focus({ preventScroll: true }); }
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
    this.clearReplies();
    this.turnHasResult = false;
    this.add({ from: "user", text: shown });
    this.emit(message);
  };

  Widget.prototype.showTyping = function (on) {
    var self = this;
    this.typing.hidden = !on;
    window.clearTimeout(this.typingTimer);
    if (on) {
      this.typingTimer = window.setTimeout(function () { self.typing.hidden = true; }, 15000);
      if (!this.anchor) { this.keepInView(); }
    }
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
    this.anchor = item;
    this.userScrolled = false;
    this.keepInView();
  };

  // After "verwijder mijn gegevens": forget the conversation in this browser too, start anew.
  Widget.prototype.forget = function () {
    this.log = [];
    save(STORAGE_LOG, this.log);
    this.sessionId = randomId();
    save(STORAGE_SESSION, this.sessionId);
  };

  // A fresh conversation under a new session id, greeted from the start. Only the
  // adviser's live demo calls this ("Nieuwe demo"); job seekers never lose their chat.
  // The old socket goes, so no late reply of the old conversation can show up here.
  Widget.prototype.newSession = function () {
    var self = this;
    if (this.socket) { this.socket.off(); this.socket.disconnect(); }
    this.forget();
    this.anchor = null;
    this.turnHasResult = false;
    this.wasDisconnected = false;
    this.messages.textContent = "";
    this.clearReplies();
    this.showTyping(false);
    this.setStatus("");
    this.progress.hidden = true;
    this.greeted = true;  // below, once Rasa confirms the new session (its replies reach us then)
    this.connect();
    this.socket.once("session_confirm", function () { self.emit("/greet"); });
    this.open(false);
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

  // The anchor is what must be in view after the bot's turn: the result card when
  // the turn brought one, else the newest bot message. Only a user message resets it.
  Widget.prototype.render = function (entry, isLast) {
    var item = el("div", { class: "kc-message kc-" + entry.from + (entry.result ? " kc-result" : "") });
    var who = el("span", { class: "kc-visually-hidden" },
      (entry.from === "user" ? this.strings.you : this.strings.bot) + ": ");
    item.appendChild(who);
    if (entry.result) {
      item.appendChild(this.resultCard(entry.result));
      this.setProgress(100, this.strings.progressDone);
    } else {
      var body = el("div", { class: "kc-text" });
      body.innerHTML = renderMarkdown(entry.text, { privacyUrl: this.options.privacyUrl,
        privacyLink: this.strings.privacyLink });
      this.addCopyButtons(body);
      item.appendChild(body);
      if (entry.from === "bot") { this.updateProgress(entry.text); }
    }
    this.messages.appendChild(item);
    if (entry.from === "user") {
      this.anchor = null;
      this.turnHasResult = false;
    } else if (entry.result) {
      this.anchor = item;
      this.turnHasResult = true;
    } else if (!this.turnHasResult) {
      this.anchor = item;
    }
    if (isLast) {
      this.clearReplies();
      if (entry.buttons && entry.buttons.length) { this.showReplies(entry.buttons); }
    }
    // Scroll after the buttons are there, to the start of the newest bot message.
    this.userScrolled = false;
    this.keepInView();
  };

  // Bring the anchor's top into view; show as much below it as fits. Without an
  // anchor (the user just answered) show the end of the conversation.
  Widget.prototype.keepInView = function () {
    var scroller = this.scroller;
    if (this.panel.hidden) { return; }
    var bottom = scroller.scrollHeight - scroller.clientHeight;
    var target = bottom;
    if (this.anchor && this.anchor.isConnected) {
      var top = this.anchor.getBoundingClientRect().top - scroller.getBoundingClientRect().top +
        scroller.scrollTop - 8;
      target = Math.min(bottom, top);
    }
    scroller.scrollTop = Math.max(0, target);
    this.autoScrollTop = scroller.scrollTop;
    this.updateMore();
  };

  // "Meer keuzes": shown while the last answer button is below the visible part.
  Widget.prototype.updateMore = function () {
    var last = this.replies.lastElementChild;
    var hidden = true;
    if (last && !this.panel.hidden) {
      hidden = last.getBoundingClientRect().bottom <= this.scroller.getBoundingClientRect().bottom + 1;
    }
    if (this.more.hidden !== hidden) { this.more.hidden = hidden; }
  };

  Widget.prototype.updateProgress = function (text) {
    var match = /^Vraag (\d+) van (\d+)/.exec(text);
    if (!match) { return; }
    var percent = Math.round((Number(match[1]) - 1) / Number(match[2]) * 100);
    this.setProgress(percent, this.strings.progressQuestion
      .replace("{n}", match[1]).replace("{total}", match[2]));
  };

  Widget.prototype.setProgress = function (percent, words) {
    this.progress.hidden = false;
    this.progress.setAttribute("aria-valuenow", String(percent));
    this.progress.setAttribute("aria-valuetext", words);
    this.progressLabel.textContent = words;
    this.progressBar.style.width = percent + "%";
  };

  Widget.prototype.clearReplies = function () {
    while (this.replies.firstChild) { this.replies.removeChild(this.replies.firstChild); }
    this.more.hidden = true;
  };

  Widget.prototype.showReplies = function (buttons) {
    var self = this;
    this.replies.classList.add("kc-fresh");
    buttons.forEach(function (button) {
      var node = el("button", { type: "button", class: "kc-reply" }, button.title);
      node.addEventListener("click", function (event) {
        self.sendUser(button.title, button.payload);
        // The buttons go away. A keyboard user goes on in the text box; after a click or
        // a tap the conversation gets the focus (no ring, no phone keyboard).
        if (event.detail === 0) { self.input.focus(); }
        else { self.scroller.focus({ preventScroll: true }); }
      });
      self.replies.appendChild(node);
    });
  };

  // A copy button after every share code in a message.
  Widget.prototype.addCopyButtons = function (body) {
    var self = this;
    Array.prototype.forEach.call(body.querySelectorAll(".kc-code"), function (code) {
      var button = el("button", { type: "button", class: "kc-copy" }, self.strings.copy);
      button.addEventListener("click", function () { self.copy(code, button); });
      code.parentNode.insertBefore(button, code.nextSibling);
      code.parentNode.insertBefore(document.createTextNode(" "), button);
    });
  };

  Widget.prototype.copy = function (code, button) {
    var self = this;
    var text = code.textContent;
    var done = function () {
      button.textContent = self.strings.copied;
      button.classList.add("kc-copied");
      self.setStatus(self.strings.copiedStatus);
      window.clearTimeout(button.kcTimer);
      button.kcTimer = window.setTimeout(function () {
        button.textContent = self.strings.copy;
        button.classList.remove("kc-copied");
        if (self.status.textContent === self.strings.copiedStatus) { self.setStatus(""); }
      }, 5000);
    };
    var failed = function () {
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      self.setStatus(self.strings.copyFailed);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  };


  // The result card: heading, the chart (an SVG made for the width it is shown at,
  // so its text is as large as the body text), the total and the PDF. The scores,
  // strengths and advice follow as messages.
  Widget.prototype.resultCard = function (result) {
    var s = this.strings;
    var self = this;
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
        var image = el("img", { alt: data.chart_alt, class: "kc-chart" });
        image.kcSource = self.apiBase + data.chart_svg_url;
        body.appendChild(image);
        self.fitChart(image);
        image.addEventListener("load", function () { if (!self.userScrolled) { self.keepInView(); } });
        body.appendChild(el("p", { class: "kc-overall" }, data.overall_words + " Totaal: " + data.overall + " van de 100."));
        body.appendChild(el("a", { href: self.apiBase + data.report_url, class: "kc-report", download: "" }, s.report));
        if (!self.userScrolled) { self.keepInView(); }
      })
      .catch(function () {
        body.textContent = "De uitslag kan nu niet worden getoond. Probeer het later opnieuw.";
      });
    return card;
  };

  var CHART_STEP = 8;  // chart widths in steps of 8 px, so browsers can cache them
  var CHART_RATIO = 1.1;  // a chart is at most about this much higher than wide
  var CARD_EXTRA = 110;  // the card's heading and total line

  // (Re)load a chart made for the width it is shown at, when that width changed.
  // Not wider than the card, and low enough that the card's top, the chart and the
  // total fit in the chat together where the screen allows it.
  Widget.prototype.fitChart = function (image) {
    var available = image.parentNode ? image.parentNode.clientWidth : 0;
    if (!available) { available = 320; }
    var room = this.scroller.clientHeight;
    if (room) { available = Math.min(available, (room - CARD_EXTRA) / CHART_RATIO); }
    var width = Math.max(240, Math.min(1200, Math.floor(available / CHART_STEP) * CHART_STEP));
    if (image.kcWidth && Math.abs(image.kcWidth - width) < 3 * CHART_STEP) { return; }
    image.kcWidth = width;
    image.setAttribute("width", String(width));
    image.src = image.kcSource + "&w=" + width;
  };

  Widget.prototype.fitCharts = function () {
    if (this.panel.hidden) { return; }
    Array.prototype.forEach.call(this.messages.querySelectorAll("img.kc-chart"), function (image) {
      if (image.kcSource) { this.fitChart(image); }
    }, this);
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
