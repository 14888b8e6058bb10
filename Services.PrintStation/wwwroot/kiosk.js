"use strict";
// The kiosk follows the station's state over server-sent events; it talks to nothing but this station.
const $ = (id) => document.getElementById(id);
let view = null;
let previewShown = null;

const asking = {
  "ask-print": true, "printer-problem": true, "ask-confirm": true,
  "purge-failed": true, "lookup-failed": true,
};

function render(v) {
  if (view && v.version < view.version) return; // an answer's reply can arrive after a newer event
  view = v;
  $("prompt").textContent = v.prompt ?? (v.last ? "Plug the next unit into port 21" : "Plug a unit into port 21");
  $("note").textContent = v.note ?? "";
  const ask = asking[v.phase] === true;
  $("yes").hidden = !ask;
  $("no").hidden = !ask;
  $("reasons").hidden = v.phase !== "ask-reason";
  $("printer").textContent = v.printer.text;
  $("printer").className = "printer " + v.printer.state;

  const last = $("last");
  last.hidden = !v.last;
  if (v.last) {
    last.textContent = (v.last.serial ? v.last.serial + ": " : "") + v.last.message;
    last.className = "last " + v.last.outcome;
  }

  const preview = $("preview");
  if (v.previewVersion == null) {
    preview.hidden = true;
    preview.removeAttribute("src");
    previewShown = null;
  } else if (previewShown !== v.previewVersion) {
    preview.src = "preview.png?v=" + v.previewVersion;
    preview.hidden = false;
    previewShown = v.previewVersion;
  }

  $("queue-count").textContent = v.queue.length;
  $("queue").replaceChildren(...v.queue.map((q) => li(q.macs.join(", ") + " — " + time(q.arrivedAt))));
  $("history").replaceChildren(...v.history.map((h) => row([time(h.at), h.serial ?? h.mac, h.outcome + (h.detail ? ": " + h.detail : "")])));
  document.body.dataset.phase = v.phase;
}

function li(text) { const e = document.createElement("li"); e.textContent = text; return e; }
function row(cells) {
  const tr = document.createElement("tr");
  cells.forEach((c, i) => { const td = document.createElement("td"); td.textContent = c; if (i === 1) td.className = "serial"; tr.append(td); });
  return tr;
}
function time(iso) { return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }); }

// The answer names the question it answers: a double tap cannot answer the next question unseen.
async function answer(a) {
  const response = await fetch("answer/" + encodeURIComponent(a) + "?phase=" + encodeURIComponent(view.phase), { method: "POST" });
  if (response.ok) render(await response.json());
}

$("yes").addEventListener("click", () => answer("yes"));
$("no").addEventListener("click", () => answer("no"));
document.querySelectorAll("#reasons button").forEach((b) => b.addEventListener("click", () => answer(b.dataset.reason)));

document.addEventListener("keydown", (e) => {
  if (!view || e.repeat) return;
  const key = e.key.toLowerCase();
  if (key === "enter" && e.target instanceof HTMLButtonElement) return; // the button's own click answers
  if (view.phase === "ask-reason") {
    const reasons = { "1": "jam", "2": "blank", "3": "smudged", "4": "other", "escape": "no", "n": "no" };
    if (reasons[key]) { e.preventDefault(); answer(reasons[key]); }
  } else if (asking[view.phase]) {
    if (key === "y" || key === "enter") { e.preventDefault(); answer("yes"); }
    else if (key === "n" || key === "escape") { e.preventDefault(); answer("no"); }
  }
});

function follow() {
  $("signin").hidden = true;
  $("station").hidden = false;
  const events = new EventSource("events");
  events.addEventListener("state", (e) => render(JSON.parse(e.data)));
  events.onopen = () => { $("connection").textContent = "live"; };
  events.onerror = () => { $("connection").textContent = "reconnecting…"; };
}

// A screen elsewhere on the LAN signs in with the station's PIN first; one on the station itself goes straight on.
async function start() {
  const state = await fetch("state");
  if (state.status !== 401) { follow(); return; }
  $("signin").hidden = false;
  $("connection").textContent = "signed out";
  $("pin").focus();
}

$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const response = await fetch("login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ pin: $("pin").value }),
  });
  $("pin").value = "";
  if (response.ok) follow();
  else $("signin-error").textContent = (await response.json()).title ?? "Sign-in failed";
});

start();
