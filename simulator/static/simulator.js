// Knee Helper simulator page. No libraries, no network beyond this server.
"use strict";

(function () {
  const API = "/simulator/api";
  const $ = (id) => document.getElementById(id);
  const state = {
    conversation: sessionStorage.getItem("kh-sim-conversation") || null,
    busy: false,
  };

  function setStatus(text) {
    $("status").textContent = text;
  }

  async function api(path, body) {
    const options = body === undefined
      ? { method: "GET" }
      : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const reply = await fetch(API + path, options);
    const type = reply.headers.get("Content-Type") || "";
    const data = type.includes("json") ? await reply.json() : await reply.text();
    if (!reply.ok) {
      throw new Error((data && data.error) || ("HTTP " + reply.status));
    }
    return data;
  }

  function remember(conversation) {
    state.conversation = conversation;
    sessionStorage.setItem("kh-sim-conversation", conversation);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addBubble(who, text, extra) {
    const item = element("li", "bubble " + who);
    item.appendChild(element("span", "who", who === "user" ? "You" : "Knee Helper"));
    if (extra && extra.emergency) {
      item.appendChild(element("strong", "emergency-lead", extra.emergency));
    }
    item.appendChild(element("span", "words", text));
    if (extra && extra.heard) {
      item.appendChild(element("span", "heard", extra.heard));
    }
    $("chat").appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function describeIntent(resolution) {
    if (resolution.request_type !== "IntentRequest") return resolution.request_type;
    const confidence = Math.round(resolution.confidence * 100);
    return resolution.intent + " (" + resolution.source + ", " + confidence + "%)";
  }

  function showSlots(slots) {
    const table = $("slots");
    const body = table.querySelector("tbody");
    body.replaceChildren();
    for (const slot of slots) {
      const row = element("tr");
      row.appendChild(element("td", "", slot.name));
      row.appendChild(element("td", "", slot.value || ""));
      const status = slot.status || "built-in";
      const cell = element("td", slot.status === "ER_SUCCESS_MATCH" ? "status-match" : slot.status ? "status-nomatch" : "", status);
      row.appendChild(cell);
      row.appendChild(element("td", "", slot.id ? slot.id + (slot.canonical ? " (" + slot.canonical + ")" : "") : ""));
      body.appendChild(row);
    }
    table.hidden = slots.length === 0;
  }

  function showCard(card) {
    const box = $("card");
    box.replaceChildren();
    if (!card) {
      box.appendChild(element("p", "muted", "No card."));
      return;
    }
    box.appendChild(element("span", "title", card.title || ""));
    box.appendChild(element("span", "text", card.text || ""));
  }

  function showServices(turn) {
    const list = $("services");
    list.replaceChildren();
    const lines = turn.services.slice();
    for (const directive of turn.directives) {
      const name = directive.name ? " (" + directive.name + ")" : "";
      lines.push("Directive " + directive.type + name);
    }
    if (lines.length === 0) list.appendChild(element("li", "muted", "None."));
    for (const line of lines) list.appendChild(element("li", "", line));
    const pre = $("directives");
    pre.hidden = turn.directives.length === 0;
    pre.textContent = turn.directives.length ? JSON.stringify(turn.directives, null, 2) : "";
  }

  function showTurn(turn) {
    const resolution = turn.resolution;
    $("intent").textContent = describeIntent(resolution);
    showSlots(resolution.slots);
    const emergency = turn.emergency.active && turn.emergency.text;
    $("emergency").hidden = !emergency;
    $("emergency-text").textContent = emergency || "";
    $("speech-plain").textContent = turn.speech.plain || "(no speech)";
    $("speech-ssml").textContent = turn.speech.ssml;
    $("reprompt-ssml").textContent = turn.reprompt.ssml || "(no reprompt)";
    showCard(turn.card);
    showServices(turn);
    // The skill keeps its state as one JSON string ("kh"): shown decoded, to be readable.
    const shown = { ...turn.session_attributes };
    if (typeof shown.kh === "string") {
      try { shown.kh = JSON.parse(shown.kh); } catch (e) { /* shown as it came */ }
    }
    $("attributes").textContent = JSON.stringify(shown, null, 2);
    $("request-json").textContent = JSON.stringify(turn.request, null, 2);
    $("response-json").textContent = JSON.stringify(turn.response, null, 2);
  }

  function speak(text, locale) {
    if ($("mute").checked || !("speechSynthesis" in window) || !text) return;
    window.speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = locale;
    window.speechSynthesis.speak(utterance);
  }

  async function send(text) {
    if (state.busy) return;
    state.busy = true;
    $("send").disabled = true;
    const userBubble = addBubble("user", text);
    setStatus("Knee Helper is thinking…");
    try {
      const turn = await api("/turn", { conversation: state.conversation, locale: $("locale").value, utterance: text });
      remember(turn.conversation);
      const slots = turn.resolution.slots.map((s) => s.name + "=" + (s.id || s.value)).join(", ");
      userBubble.appendChild(element("span", "heard", "Understood: " + describeIntent(turn.resolution) + (slots ? " {" + slots + "}" : "")));
      const emergency = turn.emergency.active ? turn.emergency.text : "";
      const rest = emergency ? turn.speech.after_emergency : turn.speech.plain;
      addBubble("alexa", rest || (emergency ? "" : "(no speech)"), {
        emergency: emergency,
        heard: turn.ends_session ? "The session ended." : "",
      });
      showTurn(turn);
      $("live").textContent = turn.speech.plain;
      setStatus(turn.ends_session ? "Knee Helper ended the session. Say \"open knee helper\" to start again." : "");
      speak(turn.speech.plain, turn.locale);
    } catch (error) {
      setStatus("Something went wrong: " + error.message);
    } finally {
      state.busy = false;
      $("send").disabled = false;
      $("utterance").focus();
    }
  }

  async function startOver() {
    try {
      const data = await api("/start-over", { conversation: state.conversation, locale: $("locale").value });
      remember(data.conversation);
      $("chat").replaceChildren();
      $("export-box").hidden = true;
      $("emergency").hidden = true;
      $("intent").textContent = "Nothing yet.";
      setStatus("Started over (" + data.locale + ").");
    } catch (error) {
      setStatus("Could not start over: " + error.message);
    }
    $("utterance").focus();
  }

  async function exportScript() {
    if (!state.conversation) {
      setStatus("Nothing to export yet.");
      return;
    }
    try {
      const text = await api("/export?conversation=" + encodeURIComponent(state.conversation));
      $("export-yaml").value = text;
      const link = $("export-download");
      link.href = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
      $("export-box").hidden = false;
      $("export-yaml").focus();
      setStatus("Script ready: copy it or download it.");
    } catch (error) {
      setStatus("Could not export: " + error.message);
    }
  }

  function setUpMicrophone() {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return;
    const mic = $("mic");
    mic.hidden = false;
    let recognition = null;
    mic.addEventListener("click", () => {
      if (recognition) {
        recognition.stop();
        return;
      }
      recognition = new Recognition();
      recognition.lang = $("locale").value;
      recognition.interimResults = false;
      recognition.maxAlternatives = 1;
      mic.setAttribute("aria-pressed", "true");
      setStatus("Listening…");
      recognition.onresult = (event) => {
        const words = event.results[0][0].transcript;
        $("utterance").value = words;
        send(words);
      };
      recognition.onerror = (event) => setStatus("Speech recognition failed: " + event.error);
      recognition.onend = () => {
        recognition = null;
        mic.setAttribute("aria-pressed", "false");
        if ($("status").textContent === "Listening…") setStatus("");
      };
      recognition.start();
    });
  }

  async function init() {
    $("mute").checked = localStorage.getItem("kh-sim-mute") === "1";
    $("mute").addEventListener("change", () => {
      localStorage.setItem("kh-sim-mute", $("mute").checked ? "1" : "0");
      if ($("mute").checked && "speechSynthesis" in window) window.speechSynthesis.cancel();
    });
    $("say-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("utterance").value.trim();
      if (!text) return;
      $("utterance").value = "";
      send(text);
    });
    $("start-over").addEventListener("click", startOver);
    $("export").addEventListener("click", exportScript);
    $("locale").addEventListener("change", startOver);
    setUpMicrophone();
    try {
      const data = await api("/locales");
      const saved = sessionStorage.getItem("kh-sim-locale");
      for (const locale of data.locales) {
        const option = element("option", "", locale);
        option.value = locale;
        $("locale").appendChild(option);
      }
      $("locale").value = data.locales.includes(saved) ? saved : data.default;
      $("locale").addEventListener("change", () => sessionStorage.setItem("kh-sim-locale", $("locale").value));
    } catch (error) {
      setStatus("Could not load the locales: " + error.message);
    }
    document.body.dataset.ready = "true";
    $("utterance").focus();
  }

  init();
})();
