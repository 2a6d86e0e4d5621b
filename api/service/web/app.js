// The web page of wfm-optimizer: a thin client of the /v1 API. Times, zones and DST are worked out
// by the service (GET …/grid and …/coverage/chart); this file only draws and sends requests.
const TOKEN_KEY = "wfm-token";
const POLL_MS = 500;
const $ = (id) => document.getElementById(id);

const state = {
  token: sessionStorage.getItem(TOKEN_KEY) || "",
  me: null,
  team: null,
  versions: [],
  version: null, // number
  detail: null, // the selected version (VersionOut)
  grid: null,
  coverage: null,
  job: null, // id of the job being watched
  pins: [], // [{agent_id, local_date, start?}]
  importFile: null,
};

// ---------------------------------------------------------------- requests

class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(path, { method = "GET", json, form, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  const response = await fetch(`/v1${path}`, { method, headers, body });
  if (!response.ok) {
    let detail = null;
    try {
      detail = await response.json();
    } catch {
      detail = { title: response.statusText };
    }
    throw new ApiError(response.status, detail);
  }
  return raw ? response : response.json();
}

function teamPath(rest = "") {
  return `/teams/${encodeURIComponent(state.team)}${rest}`;
}

function say(text) {
  $("status").textContent = text;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function errorList(err) {
  // An API error in words: its detail and, for bad input, each issue (file, row, column, value, reason).
  const box = el("div");
  box.append(el("p", { text: err.body?.title ? `${err.body.title}: ${err.body.detail || ""}` : err.message }));
  const issues = err.body?.issues || [];
  if (issues.length) {
    const table = el("table", { class: "data" });
    table.append(el("thead", {}, el("tr", {}, ...["row", "column", "value", "reason"].map((h) => el("th", { scope: "col", text: h })))));
    const body = el("tbody");
    for (const i of issues) {
      body.append(el("tr", {}, ...[i.row ?? "", i.column ?? i.field ?? "", i.value ?? "", i.reason ?? i.message ?? ""].map((v) => el("td", { text: String(v) }))));
    }
    table.append(body);
    box.append(table);
  }
  return box;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function pct(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(1)} %`;
}

// ---------------------------------------------------------------- sign-in and pickers

async function signIn(token) {
  state.token = token;
  try {
    state.me = await api("/me");
  } catch (err) {
    state.token = "";
    sessionStorage.removeItem(TOKEN_KEY);
    throw err;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  $("whoami").textContent = `Signed in: ${state.me.role} (teams: ${state.me.teams.join(", ") || "none"})`;
  $("signin").hidden = true;
  $("workspace").hidden = false;
  $("signout").hidden = false;
  applyRole();
  await loadTeams();
}

function applyRole() {
  const role = state.me.role;
  const can = {
    roster: role === "lead" || role === "admin",
    import: role !== "planner",
    plan: role !== "hr",
  };
  $("tab-solve").hidden = !can.roster;
  $("reroster").hidden = !can.roster;
  $("publish").hidden = !can.roster;
  $("tab-availability").hidden = !can.import;
  $("tab-scenarios").hidden = !can.plan;
  $("tickets-form").hidden = !(can.plan && can.import);
}

async function loadTeams() {
  const teams = await api("/teams");
  const select = $("team");
  select.replaceChildren(...teams.map((t) => el("option", { value: t.id, text: `${t.name} (${t.tz}, ${t.agents} agents)` })));
  if (!teams.length) {
    say("No team visible to this token.");
    return;
  }
  state.team = teams[0].id;
  await loadTeam();
}

async function loadTeam() {
  const [versions, requirements] = await Promise.all([api(teamPath("/rosters")), api(teamPath("/requirements"))]);
  state.versions = versions;
  const options = requirements.map((r) =>
    el("option", { value: r.id, text: `#${r.id}: ${r.meta?.first_ds ? `${r.meta.first_ds.slice(0, 10)} to ${r.meta.last_ds.slice(0, 10)} (UTC)` : "requirements"}, stored ${r.created_at.slice(0, 10)}` })
  );
  $("solve-requirements").replaceChildren(...options.map((o) => o.cloneNode(true)));
  $("scenario-requirements").replaceChildren(...options);
  fillVersions();
  if (versions.length) await selectVersion(versions[0].number);
  else {
    state.version = null;
    $("grid-wrap").replaceChildren(el("p", { text: "No roster yet for this team: start a solve." }));
    say("");
  }
}

function versionLabel(v) {
  const flags = [v.published ? "published" : "", v.based_on ? `from v${v.based_on}` : ""].filter(Boolean).join(", ");
  return `v${v.number} · week of ${v.first_day}${flags ? ` · ${flags}` : ""}`;
}

function fillVersions() {
  const make = () => state.versions.map((v) => el("option", { value: v.number, text: versionLabel(v) }));
  $("version").replaceChildren(...make());
  $("compare-base").replaceChildren(...make());
  $("compare-other").replaceChildren(...make());
  if (state.versions.length > 1) $("compare-base").value = state.versions[1].number;
}

async function selectVersion(number) {
  state.version = Number(number);
  $("version").value = String(number);
  state.detail = state.versions.find((v) => v.number === state.version) || null;
  state.pins = (state.detail?.pins || []).map((p) => ({ agent_id: p.agent_id, local_date: p.local_date }));
  if (state.detail) $("solve-week").value = state.detail.first_day;
  await Promise.all([loadGrid(), loadCoverage()]);
  showPublishState();
}

function zoneMode() {
  return document.querySelector("input[name=zone]:checked").value;
}

// ---------------------------------------------------------------- roster grid

async function loadGrid() {
  if (state.version === null) return;
  state.grid = await api(teamPath(`/rosters/${state.version}/grid?zone=${zoneMode()}`));
  drawGrid();
  const where = zoneMode() === "team" ? `the team's zone (${state.grid.team_tz})` : "each agent's own zone";
  say(`Roster v${state.version}, times in ${where}.`);
}

function dayHeading(iso) {
  const d = new Date(`${iso}T12:00:00Z`);
  return d.toLocaleDateString("en-GB", { weekday: "short", day: "2-digit", month: "short", timeZone: "UTC" });
}

function drawGrid() {
  const g = state.grid;
  const table = el("table", { class: "roster", id: "roster-grid" });
  table.append(el("caption", { class: "help", text: `Agents × days; each day runs from local midnight to midnight (${g.zone_mode === "team" ? g.team_tz : "each agent's zone"}).` }));
  const ruler = () => el("div", { class: "ruler", "aria-hidden": "true" }, ...["0", "6", "12", "18", "24"].map((h) => el("span", { text: h })));
  table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "agent", text: "Agent" }), ...g.days.map((d) => el("th", { scope: "col" }, dayHeading(d), ruler())))));
  const body = el("tbody");
  const icsSelect = $("ics-agent");
  icsSelect.replaceChildren();
  for (const agent of g.agents) {
    icsSelect.append(el("option", { value: agent.id, text: agent.name }));
    const row = el("tr", { "data-agent": agent.id });
    row.append(el("th", { scope: "row", class: "agent" }, agent.name, el("small", { text: `${agent.display_tz} · ${fmt(agent.hours, 1)} h` })));
    agent.cells.forEach((cell) => row.append(dayCell(agent, cell)));
    body.append(row);
  }
  table.append(body);
  $("grid-wrap").replaceChildren(table);
}

function dayCell(agent, cell) {
  const td = el("td", { "data-date": cell.date });
  const bar = el("div", { class: "day", "aria-hidden": "true" });
  for (const s of cell.segments) {
    bar.append(el("div", {
      class: `seg seg-${s.kind}`,
      style: `left:${100 * s.start}%;width:${Math.max(0.3, 100 * (s.end - s.start))}%`,
      title: `${s.kind.replace("_", " ")} ${s.label}${s.note ? ` (${s.note})` : ""}`,
    }));
  }
  td.append(bar);
  for (const shift of cell.shifts) {
    const pinned = state.pins.some((p) => p.agent_id === shift.agent_id && p.local_date === shift.local_date);
    td.append(el("button", {
      type: "button",
      class: "shift-button",
      "data-shift": `${shift.agent_id}/${shift.local_date}`,
      "aria-label": `${agent.name}, shift of ${shift.local_date}: ${shift.label} on ${shift.queue}${pinned ? ", pinned" : ""}. Pin or move`,
      onclick: () => openShift(agent, shift),
    }, pinned ? el("span", { class: "pin", text: "pinned" }) : "", shift.label, " ", el("span", { class: "queue", text: shift.queue })));
  }
  const blocked = cell.segments.filter((s) => s.kind === "time_off" || s.kind === "unavailable");
  if (blocked.length) {
    const words = [...new Set(blocked.map((s) => `${s.kind.replace("_", " ")} ${s.label}`))].join("; ");
    td.append(el("div", { class: "off-label", text: words }));
  }
  return td;
}

function openShift(agent, shift) {
  const dialog = $("shift-dialog");
  dialog.dataset.agent = shift.agent_id;
  dialog.dataset.date = shift.local_date;
  $("shift-desc").textContent = `${agent.name} (${agent.tz}), ${shift.local_date}: ${shift.label} on ${shift.queue} (times as shown in the grid).`;
  $("shift-error").textContent = "";
  $("shift-start").value = "";
  dialog.showModal();
}

async function onShiftAction(action) {
  const dialog = $("shift-dialog");
  const key = { agent_id: dialog.dataset.agent, local_date: dialog.dataset.date };
  let pins = state.pins.filter((p) => !(p.agent_id === key.agent_id && p.local_date === key.local_date));
  if (action === "pin") pins.push(key);
  if (action === "move") {
    const start = $("shift-start").value;
    if (!/^\d\d:\d\d$/.test(start)) {
      $("shift-error").textContent = "Give the new start time (HH:MM).";
      return false;
    }
    pins.push({ ...key, start });
  }
  try {
    const out = await api(teamPath(`/rosters/${state.version}/pins`), { method: "PUT", json: { pins } });
    state.pins = pins;
    const v = state.versions.find((x) => x.number === state.version);
    if (v) v.pins = out.pins;
    dialog.close();
    await loadGrid();
    say(action === "move" ? "Shift moved and pinned: re-roster to rebuild the week around it." : `Pins saved (${pins.length}).`);
  } catch (err) {
    $("shift-error").replaceChildren(errorList(err));
  }
  return true;
}

// ---------------------------------------------------------------- coverage

async function loadCoverage() {
  if (state.version === null) return;
  state.coverage = await api(teamPath(`/rosters/${state.version}/coverage/chart`));
  const select = $("coverage-queue");
  const previous = select.value;
  select.replaceChildren(...state.coverage.queues.map((q) => el("option", { value: q.queue, text: q.queue })));
  if (state.coverage.queues.some((q) => q.queue === previous)) select.value = previous;
  drawCoverage();
}

function drawCoverage() {
  const c = state.coverage;
  const q = c.queues.find((x) => x.queue === $("coverage-queue").value) || c.queues[0];
  if (!q) return;
  const width = 1 / (60 / c.interval_minutes);
  const traces = [
    { x: q.x_hours, y: q.required, name: "required (shaded)", type: "scatter", mode: "lines", fill: "tozeroy", fillcolor: "rgba(140, 149, 159, 0.3)", line: { shape: "hv", dash: "dot", color: "#57606a", width: 1 }, text: q.local, hovertemplate: "%{text}<br>required %{y}<extra></extra>" },
    { x: q.x_hours, y: q.scheduled, name: "scheduled", type: "scatter", mode: "lines", line: { shape: "hv", color: "#2f6fb3" }, text: q.local, hovertemplate: "%{text}<br>scheduled %{y}<extra></extra>" },
    {
      x: q.x_hours.filter((_, i) => q.short[i] > 0).map((x) => x + width / 2),
      y: q.short.filter((s) => s > 0),
      text: q.local.filter((_, i) => q.short[i] > 0),
      name: "understaffed (agents short)", type: "bar", width,
      marker: { color: "rgba(179, 38, 30, 0.75)", line: { color: "#b3261e", width: 1 } },
      hovertemplate: "%{text}<br>%{y} short<extra></extra>",
    },
  ];
  const layout = {
    margin: { t: 20, r: 10, b: 50, l: 50 },
    xaxis: { tickvals: c.ticks.map((t) => t.x_hours), ticktext: c.ticks.map((t) => t.label), title: { text: `day (${c.team_tz})` } },
    yaxis: { title: { text: "agents" }, rangemode: "tozero" },
    legend: { orientation: "h" },
    barmode: "overlay",
  };
  if (window.Plotly) window.Plotly.react("coverage-chart", traces, layout, { responsive: true, displaylogo: false });
  const table = $("service-table");
  table.replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "day" }), el("th", { scope: "col", text: `expected service level (${q.queue})` }), el("th", { scope: "col", text: "contacts" }))),
    el("tbody", {}, ...q.daily_service_level.map((d) => el("tr", {}, el("td", { text: dayHeading(d.date) }), el("td", { class: "num", text: pct(d.service_level) }), el("td", { class: "num", text: fmt(d.volume) })))),
  );
  // per day: a line with the count and agent-hours short, the stretches inside a <details>
  const list = $("understaffed");
  const byDay = new Map();
  for (const s of q.understaffed) byDay.set(s.local_date, [...(byDay.get(s.local_date) || []), s]);
  list.replaceChildren(...(byDay.size ? [...byDay].map(([day, stretches]) => {
    const hours = stretches.reduce((sum, s) => sum + s.short_agent_hours, 0);
    const worst = Math.max(...stretches.map((s) => s.max_short));
    return el("li", { class: "short" }, el("details", {},
      el("summary", { text: `${dayHeading(day)}: ${stretches.length} stretch${stretches.length > 1 ? "es" : ""}, ${fmt(hours, 2)} agent-hours short (up to ${worst} at once)` }),
      el("ul", {}, ...stretches.map((s) => el("li", { text: s.text })))));
  }) : [el("li", { text: "No understaffed interval." })]));
}

// ---------------------------------------------------------------- solves

async function startJob(body) {
  const job = await api(teamPath("/roster-jobs"), { method: "POST", json: body });
  watchJob(job.id);
}

function showJob(job) {
  $("job").hidden = false;
  $("job-id").textContent = job.id;
  $("job-state").textContent = job.state;
  $("job-objective").textContent = fmt(job.objective);
  $("job-bound").textContent = fmt(job.bound);
  const gap = job.objective !== null && job.bound !== null ? Math.abs(job.objective - job.bound) / Math.max(1, Math.abs(job.objective)) : null;
  $("job-gap").textContent = gap === null ? "–" : pct(gap);
  $("job-elapsed").textContent = job.elapsed_s === null ? "–" : `${job.elapsed_s.toFixed(1)} s`;
  const limit = Number($("solve-limit").value) || 1;
  $("job-progress").value = job.state === "succeeded" ? 1 : Math.min(1, (job.elapsed_s || 0) / limit);
  $("job-cancel").disabled = !["queued", "running"].includes(job.state);
}

async function watchJob(id) {
  state.job = id;
  $("job-error").replaceChildren();
  selectTab("solve");
  while (state.job === id) {
    const job = await api(`/jobs/${id}`);
    showJob(job);
    if (job.state === "succeeded") {
      state.versions = await api(teamPath("/rosters"));
      fillVersions();
      await selectVersion(job.version);
      say(`Solve finished: roster v${job.version} is shown.`);
      return;
    }
    if (job.state === "failed" || job.state === "cancelled") {
      if (job.error) $("job-error").replaceChildren(errorList({ body: job.error, message: job.error.title }));
      say(`Solve ${job.state}.`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// ---------------------------------------------------------------- compare and publish

async function compareVersions() {
  const base = $("compare-base").value;
  const other = $("compare-other").value;
  const c = await api(teamPath(`/rosters/${base}/compare/${other}`));
  const summary = el("table", { class: "data" });
  const keys = ["objective", "covered_share", "understaffed_agent_hours", "overstaffed_agent_hours", "scheduled_hours", "shifts"];
  summary.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "figure" }), el("th", { scope: "col", text: `v${base}` }), el("th", { scope: "col", text: `v${other}` }))));
  summary.append(el("tbody", {}, ...keys.map((k) => el("tr", {}, el("th", { scope: "row", text: k.replaceAll("_", " ") }),
    ...[base, other].map((n) => el("td", { class: "num", text: k === "covered_share" ? pct(c.summary[n][k]) : fmt(c.summary[n][k], 2) }))))));
  const affected = Object.entries(c.hours_by_agent).filter(([, h]) => h.base !== h.other);
  $("comparison").replaceChildren(
    summary,
    el("h3", { text: `What changed (${c.changes.length} agent-days; ${c.unchanged} unchanged)` }),
    el("ul", { id: "changes" }, ...(c.changes.length ? c.changes.map((t) => el("li", { text: t })) : [el("li", { text: "Nothing: the same shifts." })])),
    el("h3", { text: "Who is affected (hours)" }),
    el("ul", {}, ...(affected.length ? affected.map(([a, h]) => el("li", { text: `${a}: ${fmt(h.base, 2)} h → ${fmt(h.other, 2)} h` })) : [el("li", { text: "Nobody's hours change." })])),
  );
}

function showPublishState() {
  const v = state.detail;
  $("publish-state").textContent = !v ? "" : v.published ? `v${v.number} is published (${v.published_at}).` : `v${v.number} is not published.`;
}

async function publish() {
  const out = await api(teamPath(`/rosters/${state.version}/publish`), { method: "POST" });
  state.versions = await api(teamPath("/rosters"));
  fillVersions();
  $("version").value = String(out.number);
  state.detail = state.versions.find((v) => v.number === out.number);
  showPublishState();
  say(`v${out.number} published.`);
}

async function download(file) {
  const response = await api(teamPath(`/rosters/${state.version}/${file}`), { raw: true });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/)?.[1] || file;
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------- availability import

async function checkImport(commit) {
  const file = $("import-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const mode = $("import-mode").value;
  const report = $("import-report");
  try {
    const out = await api(teamPath(`/availability/imports?mode=${mode}&dry_run=${commit ? "false" : "true"}`), { method: "POST", form });
    report.replaceChildren(
      el("p", { text: commit ? `Imported ${out.file}.` : `${out.file} is valid. Nothing is stored until you import it.` }),
      el("table", { class: "data", id: "import-summary" }, el("tbody", {}, ...["rows", "duplicate_rows", "added", "unchanged", "removed"].map((k) =>
        el("tr", {}, el("th", { scope: "row", text: k.replace("_", " ") }), el("td", { class: "num", text: String(out[k]) }))))),
    );
    $("import-commit").disabled = commit;
    state.importFile = commit ? null : file;
  } catch (err) {
    $("import-commit").disabled = true;
    report.replaceChildren(el("p", { class: "error", role: "alert", text: "The file was refused; nothing was stored." }), errorList(err));
  }
}

async function importTickets() {
  const file = $("tickets-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const report = $("tickets-report");
  try {
    const out = await api(teamPath(`/history/tickets?preset=${$("tickets-preset").value}`), { method: "POST", form });
    const r = out.meta.report;
    report.replaceChildren(el("p", { text: `Stored history ${out.id}: ${r.kept} of ${r.rows_read} rows kept.` }),
      ...Object.entries(r.dropped).map(([why, n]) => el("p", { text: `${n} dropped: ${why}` })),
      ...r.warnings.map((w) => el("p", { text: w })));
  } catch (err) {
    report.replaceChildren(el("p", { class: "error", role: "alert", text: "The export was refused; nothing was stored." }), errorList(err));
  }
}

// ---------------------------------------------------------------- scenarios

function scenarioRow(name = "", volume = "1.0", agents = "") {
  const tr = el("tr");
  tr.append(
    el("td", {}, el("input", { "aria-label": "scenario name", name: "name", value: name, required: true })),
    el("td", {}, el("input", { "aria-label": "volume multiplier", name: "volume", type: "number", step: "0.05", min: "0", value: volume })),
    el("td", {}, el("input", { "aria-label": "agents in team (empty: as now)", name: "agents", type: "number", min: "1", value: agents })),
  );
  return tr;
}

async function runScenarios() {
  const scenarios = [...$("scenario-rows").tBodies[0].rows].map((tr) => {
    const get = (n) => tr.querySelector(`[name=${n}]`).value;
    const changes = [];
    if (get("volume") && Number(get("volume")) !== 1) changes.push({ kind: "volume", multiplier: Number(get("volume")) });
    if (get("agents")) changes.push({ kind: "headcount", agents: Number(get("agents")) });
    return { name: get("name"), changes };
  });
  const body = {
    team_id: state.team,
    depth: $("scenario-depth").value,
    requirements_id: Number($("scenario-requirements").value),
    roster_version: state.version,
    scenarios,
    pay: { default_hourly_rate: Number($("scenario-rate").value) },
  };
  const box = $("scenario-result");
  box.replaceChildren(el("p", { text: "Working…" }));
  try {
    let out = await api("/scenarios", { method: "POST", json: body });
    if (out.state) {
      // a job: wait for its stored comparison
      while (["queued", "running"].includes(out.state)) {
        box.replaceChildren(el("p", { text: `Re-rostering scenarios… ${out.progress ? `${out.progress.done}/${out.progress.total}` : out.state}` }));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        out = await api(`/jobs/${out.id}`);
      }
      if (out.state !== "succeeded") throw new ApiError(422, out.error || { title: `scenario job ${out.state}` });
      out = await api(`/scenarios/${out.scenario_id}`);
    }
    drawScenarios(out.rows);
  } catch (err) {
    box.replaceChildren(errorList(err));
  }
}

function drawScenarios(rows) {
  const columns = [
    ["scenario", "scenario", (v) => v],
    ["service_level", "service level", pct],
    ["asa_s", "ASA (s)", (v) => fmt(v, 1)],
    ["understaffed_agent_hours", "understaffed agent-h", (v) => fmt(v, 1)],
    ["paid_hours", "paid hours", (v) => fmt(v, 1)],
    ["cost", "cost", (v) => fmt(v, 0)],
    ["headcount", "agents", (v) => fmt(v)],
    ["required_headcount", "agents needed", (v) => fmt(v, 1)],
  ];
  const table = el("table", { class: "data", id: "scenario-table" });
  table.append(el("thead", {}, el("tr", {}, ...columns.map(([, h]) => el("th", { scope: "col", text: h })))));
  table.append(el("tbody", {}, ...rows.map((r) => el("tr", {}, ...columns.map(([k, , f], i) =>
    i === 0 ? el("th", { scope: "row", text: r[k] }) : el("td", { class: "num", text: f(r[k]) }))))));
  $("scenario-result").replaceChildren(table);
  const priced = rows.filter((r) => r.cost !== null && r.service_level !== null);
  if (window.Plotly && priced.length) {
    window.Plotly.react("scenario-chart", [{
      x: priced.map((r) => r.cost), y: priced.map((r) => 100 * r.service_level), text: priced.map((r) => r.scenario),
      mode: "markers+text", textposition: "top center", type: "scatter", marker: { size: 12, symbol: "diamond" },
      hovertemplate: "%{text}<br>cost %{x:,.0f}<br>service level %{y:.1f} %<extra></extra>",
    }], { margin: { t: 20, r: 10, b: 50, l: 60 }, xaxis: { title: { text: "cost of the week" } }, yaxis: { title: { text: "service level (%)" } } },
    { responsive: true, displaylogo: false });
  }
}

// ---------------------------------------------------------------- tabs

const TABS = ["roster", "coverage", "solve", "compare", "availability", "scenarios"];

function selectTab(name) {
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    const on = t === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (name === "coverage" && window.Plotly && state.coverage) window.Plotly.Plots.resize("coverage-chart");
}

function tabKeys(event) {
  const visible = TABS.filter((t) => !$(`tab-${t}`).hidden);
  const current = visible.findIndex((t) => $(`tab-${t}`).getAttribute("aria-selected") === "true");
  let next = null;
  if (event.key === "ArrowRight") next = visible[(current + 1) % visible.length];
  if (event.key === "ArrowLeft") next = visible[(current - 1 + visible.length) % visible.length];
  if (next) {
    selectTab(next);
    $(`tab-${next}`).focus();
    event.preventDefault();
  }
}

// ---------------------------------------------------------------- wiring

function guard(fn) {
  return async (event) => {
    event?.preventDefault?.();
    try {
      await fn(event);
    } catch (err) {
      say(`Error: ${err.message}`);
      if (err.status === 401) signOut();
    }
  };
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = "";
  $("workspace").hidden = true;
  $("signin").hidden = false;
  $("signout").hidden = true;
  $("whoami").textContent = "";
}

function wire() {
  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("signin-error").textContent = "";
    try {
      await signIn($("token").value.trim());
    } catch (err) {
      $("signin-error").textContent = err.status === 401 ? "That token is not valid (or was revoked)." : err.message;
    }
  });
  $("signout").addEventListener("click", signOut);
  $("team").addEventListener("change", guard(async () => { state.team = $("team").value; await loadTeam(); }));
  $("version").addEventListener("change", guard(() => selectVersion($("version").value)));
  for (const radio of document.querySelectorAll("input[name=zone]")) radio.addEventListener("change", guard(loadGrid));
  for (const t of TABS) $(`tab-${t}`).addEventListener("click", () => selectTab(t));
  $("tabs").addEventListener("keydown", tabKeys);
  $("coverage-queue").addEventListener("change", drawCoverage);
  $("shift-form").addEventListener("submit", (event) => {
    const action = event.submitter?.value;
    if (action && action !== "cancel") {
      event.preventDefault();
      onShiftAction(action);
    }
  });
  $("solve-form").addEventListener("submit", guard(async () => {
    await startJob({ week: $("solve-week").value, requirements_id: Number($("solve-requirements").value), time_limit_s: Number($("solve-limit").value) });
  }));
  $("reroster").addEventListener("click", guard(async () => {
    await startJob({ base_version: state.version, time_limit_s: Number($("solve-limit").value) });
  }));
  $("job-cancel").addEventListener("click", guard(async () => showJob(await api(`/jobs/${state.job}/cancel`, { method: "POST" }))));
  $("compare-form").addEventListener("submit", guard(compareVersions));
  $("publish").addEventListener("click", guard(publish));
  for (const button of document.querySelectorAll("[data-download]")) button.addEventListener("click", guard(() => download(button.dataset.download)));
  $("download-ics").addEventListener("click", guard(() => download(`calendars/${encodeURIComponent($("ics-agent").value)}.ics`)));
  $("import-form").addEventListener("submit", guard(() => checkImport(false)));
  $("import-file").addEventListener("change", () => { $("import-commit").disabled = true; $("import-report").replaceChildren(); });
  $("import-commit").addEventListener("click", guard(() => checkImport(true)));
  $("tickets-form").addEventListener("submit", guard(importTickets));
  const rows = $("scenario-rows").tBodies[0];
  // the base plan is always the first row of the comparison; these are changes against it
  rows.append(scenarioRow("volume +10 %", "1.1"), scenarioRow("volume −10 %", "0.9"), scenarioRow("volume +25 %", "1.25"));
  $("scenario-add").addEventListener("click", () => rows.append(scenarioRow(`scenario ${rows.rows.length + 1}`)));
  $("scenario-form").addEventListener("submit", guard(runScenarios));
  if (state.token) signIn(state.token).catch(() => signOut());
}

wire();
