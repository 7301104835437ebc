// The chat page: Rasa's socket.io channel (rasa_addons/channels/webchat), socket.io-client 4 from npm.
// History and the session id live in localStorage, so a reload continues the same conversation.
// All bot and user text goes through textContent: nothing received is ever parsed as HTML.
(function () {
  "use strict";

  const STORE_KEY = "empathy-kb.webchat.v1";
  const MAX_KEPT = 200; // messages kept across reloads
  const REPLY_TIMEOUT_MS = 60000;
  const SOURCE_PREFIX = "来源：";
  const BULLET = /^\s*(?:•|-|\*)\s+/;
  const EXAMPLES = ["什么是移情服务", "客户情绪管理有哪些策略", "有没有酒店的案例"];
  const TEXT = {
    welcome: "您好！我是共情服务知识助手。我可以解答移情服务、客户情绪管理、情感服务体验等方面的概念、理论、策略和行业案例，答案都来自培训知识库并注明出处。",
    examples: "您可以这样问：",
    suggestions: "您可能还想问：",
    rate: "这个回答有帮助吗？",
    connecting: "正在连接助手…",
    reconnecting: "连接已断开，正在重新连接…",
    noReply: "助手暂时没有回复，请稍后再试。",
    you: "您",
    bot: "助手",
  };

  const $ = (id) => document.getElementById(id);
  const log = $("log"), scroller = $("scroller"), typing = $("typing"), notice = $("notice");
  const form = $("composer"), input = $("input"), sendButton = $("send");

  const state = load();
  let socket = null;
  let ready = false;
  let connectedOnce = false;
  let replyTimer = null;

  function load() {
    try {
      const saved = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      if (saved && (typeof saved.sessionId === "string" || saved.sessionId === null) && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* unreadable history: start afresh */ }
    // The server issues the session (a signed token) in answer to the first session_request.
    return { sessionId: null, messages: [] };
  }

  function save() {
    state.messages = state.messages.slice(-MAX_KEPT);
    try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* storage full or disabled */ }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A bot text as paragraphs, bullet lists and a source line set apart.
  function renderText(text) {
    const body = el("div", "text");
    let list = null;
    for (const raw of String(text).split("\n")) {
      const line = raw.trim();
      if (!line) { list = null; continue; }
      if (BULLET.test(line)) {
        if (!list) list = body.appendChild(el("ul"));
        list.appendChild(el("li", "", line.replace(BULLET, "")));
        continue;
      }
      list = null;
      if (line.startsWith(SOURCE_PREFIX)) {
        const source = body.appendChild(el("p", "source"));
        source.appendChild(el("span", "source-label", "来源"));
        source.appendChild(el("span", "source-text", line.slice(SOURCE_PREFIX.length)));
      } else if (/^【.+】$/.test(line)) {
        body.appendChild(el("p", "heading", line));
      } else {
        body.appendChild(el("p", "", line));
      }
    }
    return body;
  }

  function buttonRow(message, kind, buttons, label) {
    const group = el("div", "buttons " + kind);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", label);
    group.appendChild(el("span", "buttons-label", label));
    for (const button of buttons) {
      const node = el("button", "chip", button.title);
      node.type = "button";
      const chosen = message.chosen && message.chosen[kind];
      if (chosen) {
        node.disabled = true;
        if (chosen === button.payload) node.classList.add("chosen");
      }
      node.addEventListener("click", () => {
        if (!ready) return;
        message.chosen = Object.assign({}, message.chosen, { [kind]: button.payload });
        for (const other of group.querySelectorAll("button")) other.disabled = true;
        node.classList.add("chosen");
        send(button.payload, button.title);
        input.focus();
      });
      group.appendChild(node);
    }
    return group;
  }

  function renderMessage(message) {
    const row = el("div", "message " + message.role);
    row.appendChild(el("span", "sr-only", (message.role === "user" ? TEXT.you : TEXT.bot) + "："));
    const bubble = row.appendChild(el("div", "bubble"));
    if (message.role === "user") {
      bubble.appendChild(el("p", "", message.text));
      return row;
    }
    if (message.text) bubble.appendChild(renderText(message.text));
    const buttons = Array.isArray(message.buttons) ? message.buttons : [];
    // Payloads starting with "/" are intents (👍/👎); the others are follow-up questions.
    const suggestions = buttons.filter((b) => !String(b.payload).startsWith("/"));
    const actions = buttons.filter((b) => String(b.payload).startsWith("/"));
    if (suggestions.length) bubble.appendChild(buttonRow(message, "suggestions", suggestions, TEXT.suggestions));
    if (actions.length) bubble.appendChild(buttonRow(message, "rating", actions, TEXT.rate));
    return row;
  }

  function renderWelcome() {
    const message = { role: "bot", text: TEXT.welcome };
    const row = renderMessage(message);
    row.classList.add("welcome");
    const examples = EXAMPLES.map((q) => ({ title: q, payload: q }));
    row.querySelector(".bubble").appendChild(buttonRow(message, "examples", examples, TEXT.examples));
    return row;
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function add(message) {
    const welcome = log.querySelector(".welcome");
    if (welcome) welcome.remove();
    state.messages.push(message);
    save();
    log.appendChild(renderMessage(message));
    scrollToEnd();
  }

  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(replyTimer);
    if (on) {
      replyTimer = setTimeout(() => { showTyping(false); showNotice(TEXT.noReply); }, REPLY_TIMEOUT_MS);
      scrollToEnd();
    }
  }

  function showNotice(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  function setReady(on) {
    ready = on;
    sendButton.disabled = !on;
    document.body.classList.toggle("offline", !on);
  }

  function send(payload, shown) {
    const text = String(payload).trim();
    if (!text || !ready) return false;
    add({ role: "user", text: shown || text });
    socket.emit(config.user_message_evt, { message: text, session_id: state.sessionId });
    showTyping(true);
    return true;
  }

  function receive(data) {
    showTyping(false);
    if (!data || typeof data !== "object") return;
    const buttons = (data.quick_replies || data.buttons || [])
      .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string")
      .map((b) => ({ title: b.title, payload: b.payload }));
    if (typeof data.text !== "string" && !buttons.length) return;
    add({ role: "bot", text: typeof data.text === "string" ? data.text : "", buttons });
  }

  let config = null;

  function connect(settings) {
    config = settings;
    socket = io({ path: config.socketio_path });
    window.webchat = { socket }; // for diagnostics from the browser console
    socket.on("connect", () => socket.emit("session_request", { session_id: state.sessionId }));
    socket.on("session_confirm", (sessionId) => {
      if (typeof sessionId === "string" && sessionId !== state.sessionId) {
        state.sessionId = sessionId;
        save();
      }
      connectedOnce = true;
      setReady(true);
      showNotice("");
    });
    socket.on(config.bot_message_evt, receive);
    socket.on("disconnect", (reason) => {
      setReady(false);
      showTyping(false);
      showNotice(TEXT.reconnecting);
      if (reason === "io server disconnect") socket.connect(); // the server closed it: no auto-retry
    });
    socket.on("connect_error", () => {
      setReady(false);
      showNotice(connectedOnce ? TEXT.reconnecting : TEXT.connecting);
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (send(input.value)) input.value = "";
    input.focus();
  });

  $("new-chat").addEventListener("click", () => {
    localStorage.removeItem(STORE_KEY);
    location.reload();
  });

  for (const message of state.messages) log.appendChild(renderMessage(message));
  if (!state.messages.length) log.appendChild(renderWelcome());
  scrollToEnd();
  setReady(false);
  showNotice(TEXT.connecting);

  fetch("config", { cache: "no-store" })
    .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(connect)
    .catch(() => showNotice("无法连接助手服务，请稍后刷新页面重试。"));
  input.focus();
})();
