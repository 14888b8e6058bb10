"use strict";
// The factory dashboard: renders /api/metrics/board, refetching whenever the server's event stream says it changed.
(() => {
  const $ = id => document.getElementById(id);
  let board = null, skew = 0;

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  };
  const now = () => Date.now() + skew;
  const ago = iso => {
    if (!iso) return "–";
    const s = Math.max(0, Math.round((now() - Date.parse(iso)) / 1000));
    if (s < 90) return s + " s";
    if (s < 5400) return Math.round(s / 60) + " min";
    return (s / 3600).toFixed(1) + " h";
  };
  const clock = iso => iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";

  function tile(p) {
    const t = el("div", "tile " + p.state);
    t.dataset.port = p.port;
    t.dataset.state = p.state;
    t.append(el("span", "port", p.port), el("span", "state", p.state === "empty" ? (p.link_up ? "link up" : "empty") : p.state));
    const u = p.unit;
    if (!u) return t;
    t.append(el("div", "mac", u.mac));
    if (p.state === "building" || p.state === "stuck") {
      t.append(el("div", "stage", u.stage || "starting"));
      t.append(el("div", "times", "building " + ago(u.started_at) + " · last heartbeat " + ago(u.last_heartbeat_at) + " ago"));
    } else if (p.state === "ready") {
      t.append(el("div", "stage", "awaiting labeling"), el("div", "times", "ready since " + clock(u.reported_at)));
    } else if (p.state === "failed") {
      t.append(el("div", "stage", (u.failed_tests || []).join(", ") || "failed"), el("div", "times", "failed at " + clock(u.reported_at)));
    }
    return t;
  }

  const where = u => u.port ? (u.role === "Build" ? "port " + u.port : u.role.toLowerCase() + " port " + u.port) : "no known port";

  function render() {
    if (!board) return;
    const c = board.counts;
    $("ready-count").textContent = c.ready;
    $("failed-count").textContent = c.failed;
    $("building-count").textContent = c.building;
    $("stuck-count").textContent = c.stuck;
    $("ports").replaceChildren(...board.ports.map(tile));

    const alerts = $("alerts");
    alerts.hidden = board.stuck.length === 0;
    alerts.replaceChildren(...board.stuck.map(u =>
      el("div", null, "STUCK: " + u.mac + " (" + where(u) + ") at \u201c" + (u.stage || "?") + "\u201d, no heartbeat for " + ago(u.last_heartbeat_at))));

    $("health").replaceChildren(...board.health.map(h => {
      const li = el("li");
      li.dataset.name = h.name;
      li.dataset.level = h.level;
      li.append(el("span", "dot " + h.level), el("b", null, h.name), el("small", null, h.detail));
      return li;
    }));
    $("failed").replaceChildren(...board.failed.map(u =>
      el("li", null, u.mac + " — " + ((u.failed_tests || []).join(", ") || "no test named") + " (" + where(u) + ")")));
    $("labeled").replaceChildren(...board.labeled.map(l => el("li", null, clock(l.labeled_at) + "  " + (l.serial || l.mac))));
    $("unplaced").replaceChildren(...board.unplaced.map(u => el("li", null, u.mac + " — " + u.status + " (" + where(u) + ")")));
  }

  let loading = null, again = false;
  async function load() {
    if (loading) { again = true; return loading; }
    loading = (async () => {
      do {
        again = false;
        try {
          const r = await fetch("/api/metrics/board", { cache: "no-store" });
          if (r.ok) { board = await r.json(); skew = Date.parse(board.generated_at) - Date.now(); render(); }
        } catch { /* shown by the live indicator; the next event or poll retries */ }
      } while (again);
    })();
    try { await loading; } finally { loading = null; }
  }

  function connect() {
    const live = $("live");
    const events = new EventSource("/api/metrics/board/events");
    events.addEventListener("changed", load);
    events.onopen = () => { live.textContent = "live"; live.className = "live on"; };
    events.onerror = () => { live.textContent = "reconnecting…"; live.className = "live off"; };
  }

  document.addEventListener("DOMContentLoaded", () => {
    load();
    connect();
    setInterval(render, 1000);   // ages tick without a request
    setInterval(load, 30000);    // belt and braces if the stream is silently cut
  });
})();
