// The page calls the same API as everyone else and renders its answer; no external resources.
"use strict";
const LEVELS = {
  emergency: "Emergency: call emergency services now",
  urgent: "Urgent: get medical help today",
  see_doctor: "See a doctor",
  self_care: "Self care",
};
const $ = (id) => document.getElementById(id);
const BAND_WIDTH = { likely: 85, possible: 55, "less likely": 30, unlikely: 10 };
// the limit the server filled into the page (one constant on the server side)
const tooLong = () => "That text is too long. Please keep it under " + $("text").maxLength + " characters.";

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("result").hidden = true;
}

function describeProblem(status, body) {
  if (status === 503) return "The service is not ready yet (no model is loaded). Please try again in a minute.";
  if (status === 413) return tooLong();
  if (status === 422 && body && Array.isArray(body.detail) && body.detail.length) {
    const msg = body.detail[0].msg || "";
    if (/at most|too long/i.test(msg)) return tooLong();
    return "Please describe what is happening (the text cannot be empty).";
  }
  return "Something went wrong (" + status + "). Please try again.";
}

// Emergency numbers in a text become links that dial on a phone (tel:), built as nodes, never HTML.
const NUMBERS = /\b(112|911|999)\b/g;
function withCallLinks(el, text) {
  el.textContent = "";
  let last = 0;
  for (const m of (text || "").matchAll(NUMBERS)) {
    el.append(text.slice(last, m.index));
    const a = document.createElement("a");
    a.href = "tel:" + m[1];
    a.className = "call";
    a.textContent = m[1];
    el.append(a);
    last = m.index + m[1].length;
  }
  el.append((text || "").slice(last));
}

function highlight(text, phrases) {
  const box = $("highlighted");
  box.textContent = "";
  const spans = [];
  for (const p of phrases) {
    let from = 0, at;
    while (p && (at = text.indexOf(p, from)) !== -1) { spans.push([at, at + p.length]); from = at + p.length; }
  }
  spans.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s, e] of spans) {
    if (s < pos) continue;
    box.append(document.createTextNode(text.slice(pos, s)));
    const m = document.createElement("mark");
    m.textContent = text.slice(s, e);
    box.append(m);
    pos = e;
  }
  box.append(document.createTextNode(text.slice(pos)));
}

// Replies to follow-up questions, sent again with the same text each time (the service keeps no
// state); a new text starts a new conversation.
let answers = {};
let askedText = null;
const REPLY_WORDS = { yes: "Yes", no: "No", unsure: "Not sure" };

function renderQuestions(text, answer) {
  const list = $("question-list");
  list.textContent = "";
  const questions = answer.questions || [];
  $("questions").hidden = !questions.length;
  for (const q of questions) {
    const li = document.createElement("li");
    const group = document.createElement("div");
    group.setAttribute("role", "group");
    const label = document.createElement("p");
    label.className = "question-text";
    label.id = "q-" + q.id;
    label.textContent = q.text;
    group.setAttribute("aria-labelledby", label.id);
    li.append(label);
    for (const reply of ["yes", "no", "unsure"]) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "reply";
      button.dataset.question = q.id;
      button.dataset.reply = reply;
      button.textContent = REPLY_WORDS[reply];
      button.addEventListener("click", () => { answers[q.id] = reply; ask(text); });
      group.append(button);
    }
    li.append(group);
    list.append(li);
  }
  const replies = $("replies");
  replies.textContent = "";
  for (const r of answer.replies || []) {
    const li = document.createElement("li");
    li.textContent = r.effect;
    replies.append(li);
  }
  replies.hidden = !(answer.replies || []).length;
}

function render(text, answer) {
  $("error").hidden = true;
  const level = answer.referral.level || "none";
  const banner = $("banner");
  banner.className = "banner level-" + level;
  // warning signs lead: what they may mean comes first, the causes of twitching after
  const alert = answer.alert;
  $("alert").hidden = !alert;
  withCallLinks($("alert"), alert ? alert.headline : "");
  $("causes-note").hidden = !(alert && alert.causes_note);
  $("causes-note").textContent = alert && alert.causes_note ? alert.causes_note : "";
  const english = !answer.language || answer.language === "en";
  $("level").textContent = LEVELS[level] ||
    (english ? "No referral: this is outside what the service covers" : "Only English is understood");
  // the advice of the level only: the out-of-scope message has its own place, said once
  withCallLinks($("advice"), answer.referral.advice || "");
  $("advice").hidden = !answer.referral.advice;
  const reasons = $("reasons");
  reasons.textContent = "";
  for (const r of answer.referral.reasons) { const li = document.createElement("li"); li.textContent = r; reasons.append(li); }
  const causes = $("causes");
  causes.textContent = "";
  $("scope-message").hidden = answer.in_scope;
  withCallLinks($("scope-message"), answer.in_scope ? "" : answer.message);
  $("causes-title").hidden = !answer.causes.length;
  $("detail-message").hidden = !answer.detail_message;
  $("detail-message").textContent = answer.detail_message || "";
  const phrases = answer.red_flags.map((f) => f.text);
  for (const c of answer.causes) {
    const li = document.createElement("li");
    if (alert) {  // not the point now: names only, no confident bars
      li.className = "not-now";
      li.textContent = c.name;
      causes.append(li);
      continue;
    }
    // confidence in words (the answer's band), and a bar in the band's steps, never "100 %"
    const band = c.band || "";
    li.innerHTML = "<strong></strong> <span class='band'></span><div class='bar' role='img'><span></span></div><div class='evidence'></div>";
    li.querySelector("strong").textContent = c.name;
    li.querySelector(".band").textContent = band;
    li.querySelector(".bar").setAttribute("aria-label", c.name + ": " + band);
    li.querySelector(".bar span").style.width = (BAND_WIDTH[band] || 10) + "%";
    li.querySelector(".evidence").textContent = c.evidence.length ? "Words pointing to it: " + c.evidence.join(", ") : "";
    phrases.push(...c.evidence);
    causes.append(li);
  }
  highlight(text, phrases);
  renderQuestions(text, answer);
  $("duration").textContent = answer.duration_text == null ? "" : "How long, as you wrote it: \u201c" + answer.duration_text + "\u201d";
  $("disclaimer").textContent = answer.disclaimer;
  $("result").hidden = false;
  if (level === "emergency") banner.scrollIntoView({ block: "start" });
}

$("text").addEventListener("input", () => { $("count").textContent = $("text").value.length; });
async function ask(text) {
  $("submit").disabled = true;
  try {
    const response = await fetch("/v1/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: text, top_k: 3, answers: answers }),
    });
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) return showError(describeProblem(response.status, body));
    render(text, body);
  } catch (e) {
    showError("The service could not be reached. Please check your connection and try again.");
  } finally {
    $("submit").disabled = false;
  }
}

$("ask").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return showError("Please describe what is happening (the text cannot be empty).");
  if (text !== askedText) { answers = {}; askedText = text; }
  await ask(text);
});

// the causes of the model being served (its corpus's causes.yaml), from the same API
async function showKnownCauses() {
  try {
    const response = await fetch("/v1/causes");
    if (!response.ok) return;
    const list = $("known-causes");
    for (const cause of await response.json()) {
      const li = document.createElement("li");
      li.textContent = cause.name;
      list.append(li);
    }
    $("known").hidden = !list.children.length;
  } catch (e) { /* the list is a help, not needed to ask */ }
}
showKnownCauses();
