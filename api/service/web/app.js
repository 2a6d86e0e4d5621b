// The web page of wfm-optimizer: a thin client of the /v1 API. Times, zones and DST are worked out
// by the service (GET …/grid, …/day/{date} and …/coverage/chart); this file only draws and sends requests.
const TOKEN_KEY = "wfm-token";
const POLL_MS = 500;
const ALL_CALENDARS = "*"; // the calendar picker's choice of every agent's calendar in one zip (never an agent id)
const DRAG_MIN_PX = 4; // a pointer that moves less than this is a click, not a drag
const $ = (id) => document.getElementById(id);

// plotly.js (4.8 MB) is loaded when a chart is first drawn, never on the sign-in screen
let plotlyLoading = null;
function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = el("script", { src: "/static/vendor/plotly.min.js" });
      script.addEventListener("load", () => resolve(window.Plotly));
      script.addEventListener("error", () => { plotlyLoading = null; reject(new Error("the chart library did not load")); });
      document.head.append(script);
    });
  }
  return plotlyLoading;
}

const state = {
  token: sessionStorage.getItem(TOKEN_KEY) || "",
  me: null,
  teams: [], // the teams this token sees (GET /teams)
  team: null,
  versions: [],
  version: null, // number
  detail: null, // the selected version (VersionOut)
  grid: null,
  coverage: null,
  job: null, // id of the job being watched
  jobShown: {}, // the last figures shown for that job (kept when a later answer lacks them)
  pins: [], // [{agent_id, local_date}]: the service keeps a moved pin where it was moved
  can: { roster: false, import: false, plan: false, create: false, edit: false },
  day: null, // the date of the day view
  importFile: null,
  agents: null, // the team's agents, for the scenarios' hires and leavers
  settings: null, // the team the Team settings form shows, as GET /teams/{id} gave it (its updated_at is sent back)
  settingsEdited: false, // the lead typed in that form since it was filled: not re-filled behind their back
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

function say(text, ...more) {
  // the status line: words and, for a moment, an action on what was just done (a new status ends it, and
  // any error said under it)
  $("status").replaceChildren(text, ...more);
  $("status-error").replaceChildren();
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

// the fields an error may name, in words ("pins.0.start" is the new start time of a move)
const FIELD_WORDS = { start: "new start time", local_date: "day", agent_id: "agent", time_limit_s: "time limit", week: "week", locked_before: "keep-before time", requirements_id: "requirements", base_version: "version re-rostered", history_id: "contact history", forecast_id: "forecast", id: "team id",
  // the Team settings form's fields, by its labels
  lengths_hours: "shift lengths (hours)", earliest_start: "earliest start", latest_start: "latest start", start_step_minutes: "start step (minutes)",
  min_queue_stretch_minutes: "shortest stretch on one queue (minutes)", max_queue_changes: "most queue changes in a shift",
  min_rest_hours: "minimum rest between shifts (hours)", min_days_off_per_week: "days off a week (at least)", max_consecutive_days: "most working days in a row",
  absence_paid: "sick day paid", leave_weekdays: "days that time off counts", min_consecutive_days_off: "days off in a block (at least)",
  // the form shows the spread in hours; the service checks (and words) it in minutes
  max_start_spread_minutes: "start times within (minutes a week)", min_agents: "fewest agents on a queue" };

function fieldWords(field) {
  if (!field) return "";
  const last = String(field).split(".").filter((p) => !/^\d+$/.test(p)).at(-1) ?? "";
  return FIELD_WORDS[last] ?? last.replaceAll("_", " ");
}

function filled(value) {
  return value !== undefined && value !== null && value !== "";
}

function issueWhere(i) {
  // where an issue is: a file's own column or key (the lead's words), a request's field in words (`label`:
  // as the form that sent it labels it)
  if (filled(i.label)) return i.label;
  return filled(i.row) || i.file ? i.column ?? i.field ?? "" : fieldWords(i.column ?? i.field);
}

function errorList(err) {
  // An API error in words: its detail and, for bad input, each issue (file, row, column, value, reason).
  const box = el("div");
  const issues = err.body?.issues || [];
  const reason = (i) => i.reason ?? i.message ?? "";
  // an issue of the whole request (a wrong week) has no row, field or value: said as a sentence, not a table
  const placed = issues.filter((i) => filled(i.row) || filled(issueWhere(i)) || filled(i.value));
  if (issues.length && !placed.length) {
    box.append(...issues.map((i) => el("p", { class: "issue-words", text: sentence(i.file ? `${i.file}: ${reason(i)}` : reason(i)) })));
    return box;
  }
  // with issues, the table says each in words (the detail repeats them with the API's field names)
  const detail = issues.length ? "" : err.body?.detail || "";
  box.append(el("p", { text: err.body?.title ? `${err.body.title}${detail ? `: ${detail}` : ""}` : err.message }));
  if (issues.length) {
    // a row column for a table's rows (a CSV, a sheet), a column (or field) and a value column only where
    // an issue has one: no empty columns
    const columns = [
      ...(issues.some((i) => filled(i.row)) ? [["row", (i) => i.row ?? ""]] : []),
      ...(issues.some((i) => filled(issueWhere(i))) ? [[issues.some((i) => filled(i.row)) ? "column" : "field", issueWhere]] : []),
      ...(issues.some((i) => filled(i.value)) ? [["value", (i) => i.value ?? ""]] : []),
      ["reason", reason],
    ];
    const table = el("table", { class: "data issues" });
    table.append(el("thead", {}, el("tr", {}, ...columns.map(([h]) => el("th", { scope: "col", text: h })))));
    table.append(el("tbody", {}, ...issues.map((i) => el("tr", {}, ...columns.map(([, get]) => el("td", { text: String(get(i)) }))))));
    box.append(table);
  }
  return box;
}

function sentence(text) {
  // the service's words as a sentence: a capital first, a full stop last
  const words = String(text).trim();
  if (!words) return "";
  return `${words[0].toUpperCase()}${words.slice(1)}${/[.!?]$/.test(words) ? "" : "."}`;
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function counted(n, noun, digits = 0) {
  // a count with its noun, singular or plural as it reads: "1 hour", "1.5 hours", "2 stretches"
  const plural = noun.endsWith("ch") || noun.endsWith("s") ? `${noun}es` : `${noun}s`;
  return `${fmt(n, digits)} ${fmt(n, digits) === "1" ? noun : plural}`;
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
  $("whoami").textContent = `Signed in: ${state.me.role} (teams: ${state.me.teams.join(", ") || "all"})`;
  $("signin").hidden = true;
  // busy until the teams are loaded: a control used before then would have no team to act on
  $("workspace").setAttribute("aria-busy", "true");
  $("workspace").hidden = false;
  $("signout").hidden = false;
  applyRole();
  try {
    await selectTab("roster"); // the first view (another role's view may be hidden now)
    await loadLimits();
    await loadTeams();
  } finally {
    $("workspace").setAttribute("aria-busy", "false");
  }
  // the sign-in form is gone: focus goes to the view shown (the first, or Set up for a first team), not the page
  document.querySelector('#tabs [aria-selected="true"]').focus();
}

async function loadLimits() {
  // the solve time limits the service takes: the page offers no more (the service refuses more anyway)
  const limits = await api("/limits");
  const input = $("solve-limit");
  input.min = String(limits.min_time_limit_s);
  input.max = String(limits.max_time_limit_s);
  input.value = String(limits.default_time_limit_s);
  showRerosterLimit();
}

function rerosterLimitWords() {
  // a re-roster runs with the Solve tab's time limit: said next to each re-roster button
  return `uses the time limit set in Solve: ${$("solve-limit").value || "–"} s`;
}

function showRerosterLimit() {
  $("reroster").title = rerosterLimitWords(); // the toolbar has no room for it on a laptop: its help text
  for (const node of document.querySelectorAll(".reroster-limit")) node.textContent = rerosterLimitWords();
}

function applyRole() {
  // the page offers what the token's role may do, as the API allows it (auth.PERMISSIONS)
  const role = state.me.role;
  state.can = {
    roster: role === "lead" || role === "admin",
    import: role !== "planner",
    plan: role !== "hr",
    create: role === "admin", // creating a team (auth.PERMISSIONS: create_team)
    edit: role === "lead" || role === "admin", // changing a team's settings (auth.PERMISSIONS: edit_team)
  };
  for (const node of document.querySelectorAll("[data-needs]")) node.hidden = !state.can[node.dataset.needs];
  for (const node of document.querySelectorAll("[data-unless]")) node.hidden = state.can[node.dataset.unless];
}

async function loadTeams(pick = null) {
  // the teams the token sees; `pick` (a team just created) is picked, else the first
  const teams = await api("/teams");
  state.teams = teams;
  const select = $("team");
  select.replaceChildren(...teams.map((t) => el("option", { value: t.id, text: `${t.name} (${t.tz}, ${t.agents} agents)` })));
  if (!teams.length) {
    state.team = null;
    await showNoTeam();
    return;
  }
  state.team = pick && teams.some((t) => t.id === pick) ? pick : teams[0].id;
  select.value = state.team;
  await loadTeam();
}

async function showNoTeam() {
  // the first use: no team yet (or none this token may see). An admin creates one from its team file.
  state.versions = [];
  fillVersions();
  fillRequirements([]);
  const words = state.can.create
    ? "No team yet: create one from its team file (Set up)."
    : "No team visible to this token: an admin creates teams and gives tokens access to them.";
  clearRoster(words);
  say(words);
  if (state.can.create) await selectTab("setup");
  else if (!$("panel-setup").hidden) await loadSetup();
}

const WEEKDAY_WORDS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_WORDS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function daySpan(first, last) {
  // two local days (ISO dates) as a lead reads them: "Mon 2 – Sun 8 Nov 2026", "Mon 30 Nov – Sun 6 Dec 2026"
  const [a, b] = [first, last].map((iso) => new Date(`${iso}T12:00:00Z`));
  const day = (d) => `${WEEKDAY_WORDS[d.getUTCDay()]} ${d.getUTCDate()}`;
  const month = (d) => MONTH_WORDS[d.getUTCMonth()];
  const end = `${day(b)} ${month(b)} ${b.getUTCFullYear()}`;
  if (first === last) return end;
  const start = a.getUTCFullYear() !== b.getUTCFullYear() ? `${day(a)} ${month(a)} ${a.getUTCFullYear()}`
    : a.getUTCMonth() !== b.getUTCMonth() ? `${day(a)} ${month(a)}` : day(a);
  return `${start} – ${end}`;
}

function requirementsLabel(r) {
  // the local days the requirements plan, on the team's clock (the stored span is UTC instants)
  const tz = state.teams.find((t) => t.id === state.team)?.tz || "UTC";
  const days = r.meta?.first_ds ? daySpan(localDate(new Date(r.meta.first_ds), tz), localDate(new Date(r.meta.last_ds), tz)) : "requirements";
  return `#${r.id}: ${days}${r.meta?.lead_in_rows ? ", with the backlog carried in" : ""}, stored ${r.created_at.slice(0, 10)}`;
}

function fillRequirements(requirements) {
  state.requirements = requirements;
  const options = requirements.map((r) => el("option", { value: r.id, text: requirementsLabel(r) }));
  $("solve-requirements").replaceChildren(...options.map((o) => o.cloneNode(true)));
  $("scenario-requirements").replaceChildren(...options);
}

async function loadTeam() {
  state.newestSeen = undefined; // another team: compare its own published and newest versions
  $("comparison").replaceChildren();
  $("solve-error").replaceChildren();
  $("scenario-result").replaceChildren(); // measured on the other team's roster
  if (window.Plotly) window.Plotly.purge("scenario-chart");
  const team = state.team;
  const [versions, requirements] = await Promise.all([api(teamPath("/rosters")), api(teamPath("/requirements"))]);
  if (team !== state.team) return; // another team was picked meanwhile: its own load draws it
  state.versions = versions;
  state.agents = null;
  if (!$("panel-scenarios").hidden) await loadScenarioAgents();
  fillRequirements(requirements);
  await fillSolveWeek(versions[0]?.first_day);
  if (!$("panel-setup").hidden) await loadSetup();
  if (!$("panel-availability").hidden) await Promise.all([loadChannelMap(), loadAvailabilityChanges()]);
  fillVersions();
  if (versions.length) await selectVersion(versions[0].number);
  else {
    clearRoster("No roster yet for this team: start a solve.");
    say("");
  }
}

function clearRoster(words) {
  // no roster to show (a team without one, or no team): nothing of the team shown before stays on
  // screen, in any view, and nothing acts on a version
  state.version = null;
  state.detail = null;
  state.grid = null;
  state.coverage = null;
  state.pins = [];
  drawLeadReport();
  $("grid-wrap").replaceChildren(el("p", { text: words }));
  $("conflicts").replaceChildren();
  $("ics-agent").replaceChildren();
  $("reroster-lock-when").textContent = "";
  $("day-date").replaceChildren();
  for (const node of document.querySelectorAll("#day-legend li.queue-key")) node.remove();
  $("day-view").replaceChildren(el("p", { text: words }));
  $("coverage-queue").replaceChildren();
  if (window.Plotly) window.Plotly.purge("coverage-chart");
  $("coverage-chart").replaceChildren();
  $("service-table").replaceChildren();
  $("coverage-short").replaceChildren(el("li", { text: words }));
  showRosterActions();
}

function showRosterActions() {
  // the downloads and the re-roster act on the version shown: with none shown, none is offered
  const none = state.version === null;
  for (const node of document.querySelectorAll("[data-download], #download-ics, #ics-agent, #reroster, #reroster-lock")) node.disabled = none;
}

async function teamInfo() {
  // the picked team as stored (GET /teams/{id}), asked once per team
  if (state.teamInfo?.id !== state.team) state.teamInfo = await api(teamPath());
  return state.teamInfo;
}

async function fillSolveWeek(fallback = null) {
  // the Solve tab's week is the week of the requirements picked for it (else `fallback`, the newest roster's)
  const team = state.team;
  const picked = $("solve-requirements").value;
  const stored = (state.requirements || []).find((r) => String(r.id) === picked);
  const week = (stored && (await weekOf(stored))) || fallback;
  if (team !== state.team || $("solve-requirements").value !== picked) return; // picked otherwise meanwhile
  if (week) $("solve-week").value = week;
}

function versionLabel(v) {
  const flags = [v.published ? "published" : "", v.based_on ? `from v${v.based_on}` : ""].filter(Boolean).join(", ");
  return `v${v.number} · week of ${v.first_day}${flags ? ` · ${flags}` : ""}`;
}

function defaultComparison() {
  // what is published for the newest version's week against the newest version (else its base, else the
  // one before it of its week: the service compares no two weeks)
  const newest = state.versions[0];
  if (!newest) return ["", ""];
  const ofWeek = state.versions.filter((v) => v.first_day === newest.first_day && v.number !== newest.number);
  const published = ofWeek.find((v) => v.published);
  const base = published || ofWeek.find((v) => v.number === newest.based_on) || ofWeek[0] || newest;
  return [String(base.number), String(newest.number)];
}

function fitCompareOther() {
  // the "with" picker offers only the versions of the first picker's week (the service compares no two
  // weeks): the others are disabled, saying why; a version of another week picked gives way to the newest
  // of this week (else the first picker's own)
  const base = state.versions.find((v) => String(v.number) === $("compare-base").value);
  const picker = $("compare-other");
  for (const option of picker.options) {
    const version = state.versions.find((v) => String(v.number) === option.value);
    if (!version) continue;
    const apart = Boolean(base) && version.first_day !== base.first_day;
    option.disabled = apart;
    option.textContent = apart ? `${versionLabel(version)} · not comparable: another week than v${base.number}'s` : versionLabel(version);
  }
  if (base && picker.selectedOptions[0]?.disabled) {
    const same = state.versions.find((v) => v.first_day === base.first_day && v.number !== base.number) || base;
    picker.value = String(same.number);
  }
}

function fillVersions() {
  const make = () => state.versions.map((v) => el("option", { value: v.number, text: versionLabel(v) }));
  const keep = [$("compare-base").value, $("compare-other").value];
  $("version").replaceChildren(...make());
  $("compare-base").replaceChildren(...make());
  $("compare-other").replaceChildren(...make());
  const has = (n) => n && state.versions.some((v) => String(v.number) === String(n));
  const newest = state.versions[0]?.number ?? null;
  const [base, other] = defaultComparison();
  if (newest !== state.newestSeen || !has(keep[0]) || !has(keep[1])) {
    // a new version (a solve, a re-roster) or another team: compare what is published with the newest
    $("compare-base").value = base;
    $("compare-other").value = other;
    if (state.newestSeen !== undefined && newest !== state.newestSeen) $("comparison").replaceChildren();
  } else {
    $("compare-base").value = keep[0];
    $("compare-other").value = keep[1];
  }
  fitCompareOther();
  state.newestSeen = newest;
  showPublishState();
}

async function selectVersion(number) {
  state.version = Number(number);
  $("version").value = String(number);
  state.detail = state.versions.find((v) => v.number === state.version) || null;
  state.pins = (state.detail?.pins || []).map((p) => ({ agent_id: p.agent_id, local_date: p.local_date }));
  showRosterActions();
  drawLeadReport();
  await Promise.all([loadGrid(), loadCoverage()]);
  if (!$("panel-day").hidden) await loadDay();
  showPublishState();
}

function zoneMode() {
  return document.querySelector("input[name=zone]:checked").value;
}

// ---------------------------------------------------------------- roster grid

async function loadGrid() {
  if (state.version === null) return;
  const [team, version] = [state.team, state.version];
  const grid = await api(teamPath(`/rosters/${version}/grid?zone=${zoneMode()}`));
  if (team !== state.team || version !== state.version) return; // an answer for what is no longer shown
  state.grid = grid;
  drawGrid();
  defaultLock();
  await showConflicts();
  const where = zoneMode() === "team" ? `the team's zone (${state.grid.team_tz})` : "each agent's own zone";
  say(`Roster v${state.version}, times in ${where}.`);
}

function dayHeading(iso) {
  const d = new Date(`${iso}T12:00:00Z`);
  return d.toLocaleDateString("en-GB", { weekday: "short", day: "2-digit", month: "short", timeZone: "UTC" });
}

function shortQueueNames(names) {
  // each queue by the part that tells it from the others ("creator-chat", "creator-email": "chat", "email");
  // the full name stays in the title and the accessible name
  const unique = [...new Set(names)];
  const out = Object.fromEntries(unique.map((q) => [q, q]));
  if (unique.length < 2) return out;
  const words = unique.map((q) => q.split(/(?<=[-_ .])/));
  let head = 0;
  while (words.every((w) => w.length > head + 1 && w[head] === words[0][head])) head += 1;
  let tail = 0;
  while (words.every((w) => w.length > head + tail + 1 && w[w.length - 1 - tail] === words[0][words[0].length - 1 - tail])) tail += 1;
  const cut = unique.map((q, i) => words[i].slice(head, words[i].length - tail).join("").replace(/[-_ .]$/, ""));
  if (new Set(cut).size === unique.length && cut.every(Boolean)) unique.forEach((q, i) => { out[q] = cut[i]; });
  return out;
}

function zoneCity(tz) {
  // a zone by its city, as a lead says where an agent is ("America/New_York": "New York"); it fits the agent column
  return tz.split("/").at(-1).replaceAll("_", " ");
}

function drawGrid() {
  const g = state.grid;
  state.queueShort = shortQueueNames(g.agents.flatMap((a) => a.cells.flatMap((c) => c.shifts.flatMap((s) => [s.queue, ...s.stretches.map((w) => w.queue)]))));
  const table = el("table", { class: "roster", id: "roster-grid" });
  table.append(el("caption", { class: "help", text: `Days from midnight to midnight, ${g.zone_mode === "team" ? g.team_tz : "each agent's zone"}.${state.can.roster ? " Drag a shift to move it; pick it to pin or move it." : ""}` }));
  const ruler = () => el("div", { class: "ruler", "aria-hidden": "true" }, ...["0", "6", "12", "18", "24"].map((h) => el("span", { text: h })));
  // each agent is labelled with their own home zone, whichever zone the times are shown in
  const agentHead = el("th", { scope: "col", class: "agent" }, el("span", { class: "name", text: "Agent" }), el("small", { text: "home zone · hours" }));
  // a far agent's shift of the week may start on a local day outside it: that day gets a column, named as the workbook names it
  const columns = g.columns;
  const dayHead = (c) => c.in_week
    ? el("th", { scope: "col" }, dayHeading(c.date), ruler())
    : el("th", { scope: "col", class: "outside", title: "a local day outside the team's week: only the shifts of the week that start on it" },
      dayHeading(c.date), el("small", { class: "outside-note", text: OUTSIDE_WEEK }), ruler());
  table.append(el("thead", {}, el("tr", {}, agentHead, ...columns.map(dayHead))));
  const body = el("tbody");
  const icsSelect = $("ics-agent");
  const picked = icsSelect.value;
  icsSelect.replaceChildren(el("option", { value: ALL_CALENDARS, text: "every agent (zip)" }));
  for (const agent of g.agents) {
    icsSelect.append(el("option", { value: agent.id, text: agent.name }));
    const row = el("tr", { "data-agent": agent.id });
    const head = el("th", { scope: "row", class: "agent" }, el("span", { class: "name", text: agent.name, title: agent.name }), el("small", { class: "home", text: `${zoneCity(agent.tz)} · ${fmt(agent.hours, 1)} h`, title: `home zone ${agent.tz}; ${fmt(agent.hours, 1)} hours rostered this week` }));
    if (agent.conflicts.length) head.append(el("span", { class: "conflict-mark", title: agent.conflicts.join("\n"), text: "⚠ conflict" }));
    row.append(head);
    agent.cells.forEach((cell) => row.append(dayCell(agent, cell)));
    body.append(row);
  }
  // the agent picked before, else the first agent (every agent's zip is the first choice)
  icsSelect.value = [...icsSelect.options].some((o) => o.value === picked) ? picked : (g.agents[0]?.id ?? ALL_CALENDARS);
  table.append(body);
  table.append(el("tfoot", {}, el("tr", { class: "totals" }, el("th", { scope: "row", class: "agent", text: "Working" }),
    ...g.day_totals.map((t, i) => el("td", { "data-date": t.date, class: columns[i]?.in_week === false ? "num outside" : "num", text: `${t.headcount} agent${t.headcount === 1 ? "" : "s"} · ${fmt(t.hours, 1)} h` })))));
  $("grid-wrap").replaceChildren(table);
}

// a day column outside the team's week, in the workbook's words (api/exports.py: _roster_sheet)
const OUTSIDE_WEEK = "(local day, outside the week)";

// what blocks an agent's time, as the cell writes it (api/service/views.py: BLOCKED_KINDS)
const BLOCKED_WORDS = { time_off: "time off", absence: "absent", unavailable: "unavail." };

function dayCell(agent, cell) {
  const conflicted = cell.shifts.some((s) => s.conflicts.length);
  const outside = cell.in_week === false;
  const td = el("td", { "data-date": cell.date, class: [conflicted ? "conflict" : "", outside ? "outside" : ""].filter(Boolean).join(" ") || undefined });
  const bar = el("div", { class: "day", "aria-hidden": "true" });
  for (const s of cell.segments) {
    bar.append(el("div", {
      class: `seg seg-${s.kind}${s.agent_id ? " seg-of-shift" : ""}`,
      "data-shift": s.agent_id ? `${s.agent_id}/${s.local_date}` : undefined,
      style: `left:${100 * s.start}%;width:${Math.max(0.3, 100 * (s.end - s.start))}%`,
      title: `${s.kind.replace("_", " ")} ${s.label}${s.note ? ` (${s.note})` : ""}`,
    }));
  }
  if (state.can.roster) bar.addEventListener("pointerdown", (event) => startDrag(event, agent, cell, bar));
  td.append(bar);
  const line = el("div", { class: "cell-line" });
  for (const shift of cell.shifts) {
    // a shift that moves between queues shows them in order ("chat→email"); its stretches' times are in words
    const moves = new Set(shift.stretches.map((w) => w.queue)).size > 1;
    const inOrder = (names) => names.filter((q, i) => q !== names[i - 1]).join("→");
    const queueText = moves ? inOrder(shift.stretches.map((w) => state.queueShort?.[w.queue] ?? w.queue)) : state.queueShort?.[shift.queue] ?? shift.queue;
    const queueFull = moves ? inOrder(shift.stretches.map((w) => w.queue)) : shift.queue;
    const queueWords = moves ? shift.stretches.map((w) => `${w.queue} ${w.label}`).join(", ") : shift.queue;
    const flags = [shift.pinned ? "pinned" : "", shift.moved ? `moved from ${shift.moved_from}` : "", shift.conflicts.length ? "conflict" : ""].filter(Boolean);
    // the accessible name starts with the visible text, then says the rest in words
    const visible = [shift.conflicts.length ? "⚠" : "", shift.pinned ? (shift.moved ? "moved" : "pinned") : "", `${shift.label} ${queueFull}`].filter(Boolean).join(" ");
    const words = `${visible}: ${agent.name}, shift of ${shift.local_date}${moves ? `, on ${queueWords}` : ""}${flags.length ? `, ${flags.join(", ")}` : ""}`;
    const content = [
      shift.conflicts.length ? el("span", { class: "conflict-mark", text: "⚠" }) : "",
      shift.pinned ? el("span", { class: "pin", text: shift.moved ? "moved" : "pinned" }) : "",
      el("span", { class: "time", text: shift.label }),
      " ",
      el("span", { class: "queue", text: queueText, title: queueWords }),
    ];
    const title = [`${shift.label} ${queueWords}`, shift.moved ? `moved from ${shift.moved_from}` : "", ...shift.conflicts].filter(Boolean).join("\n");
    if (state.can.roster) {
      line.append(el("button", { type: "button", class: "shift-button", "data-shift": `${shift.agent_id}/${shift.local_date}`, title, "aria-label": `${words}. Pin or move`, onclick: () => openShift(agent, shift) }, ...content));
    } else {
      line.append(el("span", { class: "shift-text", "data-shift": `${shift.agent_id}/${shift.local_date}`, title, "aria-label": words, role: "text" }, ...content));
    }
  }
  const blocked = cell.segments.filter((s) => s.kind in BLOCKED_WORDS);
  if (blocked.length) {
    const words = [...new Set(blocked.map((s) => `${BLOCKED_WORDS[s.kind]} ${s.label}`))].join("; ");
    line.append(el("span", { class: "off-label", title: words, text: words }));
  } else if (!cell.shifts.length && (cell.runs_on_until || !outside)) {
    // no shift starts this day: a day off, after the end of the day before's shift if one runs on into
    // it (drawn in the bar); outside the week a day with nothing on it is left blank, not called a day off
    const text = cell.runs_on_until ? `until ${cell.runs_on_until}, then off` : "off";
    const title = cell.runs_on_until ? `the day before's shift runs on until ${cell.runs_on_until}; no shift starts this day` : undefined;
    line.append(el("span", { class: "off-label", text, title }));
  }
  td.append(line);
  return td;
}

// drag a shift along its day: the new start snaps to the agent's start step and is saved as a move
function startDrag(event, agent, cell, bar) {
  const target = event.target.closest("[data-shift]");
  if (!target || event.button !== 0) return;
  const key = target.dataset.shift;
  const shift = cell.shifts.find((s) => `${s.agent_id}/${s.local_date}` === key);
  if (!shift) return; // the part after midnight of yesterday's shift: drag it on its own day
  event.preventDefault();
  const parts = [...bar.querySelectorAll(`[data-shift="${CSS.escape(key)}"]`)];
  const width = bar.getBoundingClientRect().width;
  const startX = event.clientX;
  const step = agent.start_step_minutes;
  let minutes = 0;
  const move = (e) => {
    minutes = Math.round(((e.clientX - startX) / width) * 1440 / step) * step;
    const dx = (minutes / 1440) * width;
    for (const p of parts) p.style.transform = `translateX(${dx}px)`;
    bar.dataset.dragging = Math.abs(e.clientX - startX) >= DRAG_MIN_PX ? "true" : "false";
  };
  const end = async (e) => {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", end);
    const dragged = bar.dataset.dragging === "true" && minutes !== 0;
    delete bar.dataset.dragging;
    if (!dragged) {
      for (const p of parts) p.style.transform = "";
      if (Math.abs(e.clientX - startX) < DRAG_MIN_PX) openShift(agent, shift);
      return;
    }
    const [h, m] = shift.start_local.split(":").map(Number);
    const total = h * 60 + m + minutes;
    if (total < 0 || total >= 1440) {
      for (const p of parts) p.style.transform = "";
      say("A shift moves within its own day: pick it to move it to another start.");
      return;
    }
    const start = `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
    openShift(agent, shift, start);
    await onShiftAction("move");
  };
  window.addEventListener("pointermove", move);
  window.addEventListener("pointerup", end);
}

function openShift(agent, shift, start = "") {
  if (!state.can.roster) return;
  const dialog = $("shift-dialog");
  dialog.dataset.agent = shift.agent_id;
  dialog.dataset.date = shift.local_date;
  dialog.dataset.name = agent.name;
  const moved = shift.moved ? ` It was moved from ${shift.moved_from}.` : "";
  $("shift-desc").textContent = `${agent.name} (${agent.tz}), ${shift.local_date}: ${shift.label} on ${shift.queue} (times as shown in the grid; it starts at ${shift.start_local} on the agent's clock).${moved}`;
  $("shift-conflicts").replaceChildren(...shift.conflicts.map((c) => el("li", { text: c })));
  $("shift-error").replaceChildren();
  $("shift-start").value = start;
  $("shift-sick-to").value = shift.local_date;
  $("shift-sick-to").min = shift.local_date;
  $("shift-sick-from").value = "";
  $("shift-sick-back").value = "";
  $("shift-sick-zone").textContent = `${agent.tz} time, the agent's own`;
  const now = Date.now();
  $("shift-started").hidden = !(Date.parse(shift.start_utc) <= now && now < Date.parse(shift.end_utc));
  $("shift-unpin").disabled = !shift.pinned;
  if (!dialog.open) dialog.showModal();
  guard(() => showTakeBack(shift))();
}

function nextDay(iso) {
  // the local day after an ISO date
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function awayEntries(key, dayOff, to, from, back) {
  // the rows a sick call or a day off stores: with `from` (went home ill), the first day from then on
  // and the days after it whole; with `back` (in late, or away and back), that day until `back`, from
  // `from` if given
  const who = { agent_id: key.agent_id };
  if (dayOff) return [{ ...who, kind: "unavailable", date: key.local_date, note: "day off (given on the page)" }];
  if (back) {
    const note = from ? `away ${from}–${back} (entered on the page)` : `in late at ${back} (entered on the page)`;
    return [{ ...who, kind: "absence", date: key.local_date, ...(from ? { start: from } : {}), end: back, note }];
  }
  if (!from) return [{ ...who, kind: "absence", date: key.local_date, to, note: "sick (entered on the page)" }];
  const first = { ...who, kind: "absence", date: key.local_date, start: from, note: `went home ill at ${from} (entered on the page)` };
  return to > key.local_date ? [first, { ...who, kind: "absence", date: nextDay(key.local_date), to, note: "sick (entered on the page)" }] : [first];
}

async function markAway(key, dayOff) {
  // a sick call from the shift's day (absences), or the day given off (unavailable): stored now; the
  // grid then shows the shifts they clash with, and the re-roster that rebuilds the week around them.
  // The status line offers to take it back at once (a sick call marked on the wrong agent)
  const to = dayOff ? key.local_date : $("shift-sick-to").value || key.local_date;
  const from = dayOff ? "" : $("shift-sick-from").value;
  const back = dayOff ? "" : $("shift-sick-back").value;
  const wrong = back ? backProblem(key.local_date, to, from, back) : "";
  if (wrong) {
    $("shift-error").replaceChildren(el("p", { text: `Not stored: ${wrong}` }));
    return true;
  }
  const entries = awayEntries(key, dayOff, to, from, back);
  const removals = teamPath("/availability/removals"); // the team marked on, whichever is picked later
  const name = $("shift-dialog").dataset.name;
  try {
    const out = await api(teamPath("/availability/entries"), { method: "POST", json: { entries } });
    $("shift-dialog").close();
    await loadGrid();
    const what = dayOff ? "Day off" : back ? (from ? `Away ${from}–${back} on` : `In late at ${back} on`) : from ? `Off sick from ${from} on` : "Off sick";
    const words = `${what} ${key.local_date}${to !== key.local_date ? ` to ${to}` : ""}: ${out.added} day${out.added === 1 ? "" : "s"} stored. Re-roster around them to cover the shifts.`;
    const taken = awayWords(dayOff ? "unavailable" : "absence", name, key.local_date, to);
    // nothing new stored (all of it was already): nothing of this call to take back
    const undo = out.added ? el("button", { type: "button", id: "take-back-last", "aria-label": `Take it back: ${taken}`,
      onclick: guard((event) => undoAway(event.currentTarget, removals, entries, out.added, taken)) }, "Take it back") : null;
    say(words, ...(undo ? [" ", undo] : []));
  } catch (err) {
    $("shift-error").replaceChildren(el("p", { text: "Not stored: nothing changed." }), errorList(err));
  }
  return true;
}

function backProblem(day, to, from, back) {
  // what is wrong with a time back at work, in words ("" when nothing)
  if (to !== day) return `a time back is for one day: leave "to" on ${day}, or clear "Back at".`;
  if (from && back <= from) return `"Back at" (${back}) must come after "Went home ill at" (${from}).`;
  if (back === "00:00") return `"Back at" 00:00 is the day's start: nothing to store.`;
  return "";
}

// the stored kinds a lead marks from a shift's dialog, as a lead names them
const AWAY_KINDS = { absence: { what: "Sick call of", button: "Take back the sick call" }, unavailable: { what: "Day off for", button: "Take back the day off" } };

function awayWords(kind, name, first, last) {
  // "Sick call of Ann Example on Wed 4 Nov 2026", "Day off for Bo Example on Thu 5 Nov 2026"
  return `${AWAY_KINDS[kind].what} ${name} on ${daySpan(first, last)}`;
}

async function undoAway(button, removals, entries, added, words) {
  // the sick call (or day off) just marked, taken back from the status line: the same entries (with their
  // notes) removed, all or none. First checked: a row of the same hours and note stored before this call
  // (the same call marked twice) would go too: then nothing is removed
  button.disabled = true;
  try {
    const checked = await api(`${removals}?dry_run=true`, { method: "POST", json: { entries } });
    if (checked.removed > added) {
      say(`${words} not taken back: those days also hold ${counted(checked.removed - added, "row")} of the same hours and words stored before it, which would go too. Open the shift to see what is stored and take back what should go.`);
      return;
    }
    const out = await api(removals, { method: "POST", json: { entries } });
    await loadGrid();
    say(`${words} taken back: ${counted(out.removed, "day")} removed.`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 401) throw err;
    say(`${words} not taken back: nothing changed.`);
    $("status-error").replaceChildren(errorList(err));
  }
}

// a stored row's kind as a lead says it
const KIND_WORDS = { absence: "off sick", unavailable: "unavailable", time_off: "time off", available: "available", preferred: "preferred hours", avoid: "hours to avoid" };

function storedWords(row) {
  // a stored row as the dialog lists it: "off sick, the whole day: “sick (entered on the page)”"
  const hours = row.start === "00:00" && row.end === "24:00" ? "the whole day" : `${row.start}–${row.end}`;
  return `${KIND_WORDS[row.kind] ?? row.kind}, ${hours}${row.note ? `: “${row.note}”` : ""}`;
}

async function showTakeBack(shift) {
  // a sick call or a day off stored for the shift's day, offered to take back: the rows of that day as
  // stored (their date, start and end), one button per kind; nothing stored, nothing offered
  const box = $("shift-take-back");
  box.hidden = true;
  box.replaceChildren();
  if (!state.can.import) return;
  box.setAttribute("aria-busy", "true");
  const dialog = $("shift-dialog");
  const team = state.team;
  const shown = () => team === state.team && dialog.open && dialog.dataset.agent === shift.agent_id && dialog.dataset.date === shift.local_date;
  let rows;
  try {
    rows = await api(teamPath("/availability"));
  } finally {
    if (shown()) box.setAttribute("aria-busy", "false");
  }
  if (!shown()) return; // another shift's dialog, or none, by now: its own call fills the box
  const ofDay = rows.filter((r) => r.agent_id === shift.agent_id && r.date === shift.local_date);
  const parts = Object.keys(AWAY_KINDS).map((kind) => [kind, ofDay.filter((r) => r.kind === kind)]).filter(([, of]) => of.length);
  box.replaceChildren(...parts.map(([kind, of]) => el("p", { class: "take-back", "data-kind": kind },
    `Stored for this day: ${of.map(storedWords).join("; ")}. `,
    el("button", { type: "button", onclick: guard(() => takeBackRows(kind, of)) }, AWAY_KINDS[kind].button))));
  box.hidden = !parts.length;
}

async function takeBackRows(kind, rows) {
  // the dialog's take-back: exactly the rows listed, one entry per row, all or none
  const dialog = $("shift-dialog");
  const [name, day] = [dialog.dataset.name, dialog.dataset.date];
  // each row as listed, its note too: the removal takes exactly these rows
  const entries = rows.map((r) => ({ agent_id: r.agent_id, kind: r.kind, date: r.date, start: r.start, end: r.end, note: r.note }));
  $("shift-error").replaceChildren();
  try {
    const out = await api(teamPath("/availability/removals"), { method: "POST", json: { entries } });
    dialog.close();
    await loadGrid();
    say(`${awayWords(kind, name, day, day)} taken back: ${counted(out.removed, "day")} removed.`);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status === 401) throw err;
    $("shift-error").replaceChildren(el("p", { text: "Not taken back: nothing changed." }), errorList(err));
  }
}

async function onShiftAction(action) {
  const dialog = $("shift-dialog");
  const key = { agent_id: dialog.dataset.agent, local_date: dialog.dataset.date };
  if (action === "sick" || action === "day-off") return markAway(key, action === "day-off");
  const pins = state.pins.filter((p) => !(p.agent_id === key.agent_id && p.local_date === key.local_date));
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
    state.pins = out.pins.map((p) => ({ agent_id: p.agent_id, local_date: p.local_date }));
    const v = state.versions.find((x) => x.number === state.version);
    if (v) v.pins = out.pins;
    dialog.close();
    await loadGrid();
    say(action === "move" ? "Shift moved and pinned: re-roster to rebuild the week around it." : `Pins saved (${pins.length}).`);
  } catch (err) {
    $("shift-error").replaceChildren(el("p", { text: "Not saved: nothing changed." }), errorList(err));
    await loadGrid(); // the shift goes back where it is
  }
  return true;
}

// ---------------------------------------------------------------- the lead's report of the version

const STRETCHES_SHOWN = 12; // the rest behind a "more" (the Markdown report lists them all)

function coverList(stretch) {
  // who could cover a stretch, least costly first (versions stored before reports: nothing to say). The
  // service offers a shift that gives up a day off or the contract's hours (each offer says which); no
  // offer means that every shift that would cover it breaks a rule that may not be asked of an agent
  if (!stretch.cover) return null;
  if (!stretch.cover.length) {
    return el("p", { class: "cover-none", text: `No one off that day who works ${stretch.queue} can cover it, not even on a day off or in overtime: each shift that would cover it clashes with their availability or a rule that cannot be waived, such as the rest between shifts.` });
  }
  return el("ul", { class: "cover", "aria-label": `who could cover ${stretch.when}` },
    ...stretch.cover.map((o) => el("li", { "data-kind": o.kind }, `Could cover: ${o.words}`)));
}

function drawLeadReport() {
  // the version's report in a lead's words: service per queue and day, each stretch where it suffers
  // with who could cover it, what was carried into the week, and the whole summary as the CLI prints it
  const box = $("lead-report");
  const v = state.detail;
  if (!v) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const summary = v.summary || {};
  const days = summary.days || [];
  const service = Object.entries(summary.service_level_by_queue || {}).map(([queue, level]) => {
    const target = summary.target_by_queue?.[queue];
    const byDay = days.filter((d) => d.queue === queue).map((d) => `${dayHeading(d.day).slice(0, 3)} ${pct(d.service_level)}`).join(", ");
    const below = target !== undefined && level < target;
    return el("li", { class: below ? "short" : undefined, "data-queue": queue },
      `${queue}: expected service level ${pct(level)} for the week (target ${pct(target)})${below ? ", below target" : ""}; by day: ${byDay}`);
  });
  for (const [queue, [contacts, onTime]] of Object.entries(summary.carried_in || {})) {
    service.push(el("li", { "data-carried": queue }, `${queue}: ${fmt(contacts)} contacts already waiting when the week starts${onTime === null ? "" : `, ${pct(onTime)} of them answered on time`}`));
  }
  for (const line of v.report?.advice || []) {
    // the server's words (api/lead_report.py: advice_lines): a queue left empty, a trade to change
    service.push(el("li", { class: "advice" }, line));
  }
  for (const unmet of summary.unmet_preferences || []) {
    // an agent's preferred times (or times to avoid) the roster mostly did not keep, in the server's words
    service.push(el("li", { class: "preference" }, unmet.words));
  }
  if (summary.understaffed_agent_hours !== undefined) {
    service.push(el("li", {}, `need ${fmt(summary.required_agent_hours, 1)} agent-hours, ${fmt(summary.understaffed_agent_hours, 1)} short`));
  }
  $("lead-service").replaceChildren(...service);
  const stretches = v.report?.short_stretches ?? (summary.short || []).map((s) => ({ ...s, cover: null }));
  const item = (s) => el("li", { class: "short", "data-queue": s.queue }, el("span", { text: s.words }), coverList(s));
  const shown = stretches.slice(0, STRETCHES_SHOWN).map(item);
  if (stretches.length > STRETCHES_SHOWN) {
    shown.push(el("li", {}, el("details", {}, el("summary", { text: `${stretches.length - STRETCHES_SHOWN} more stretches` }),
      el("ul", {}, ...stretches.slice(STRETCHES_SHOWN).map(item)))));
  }
  $("short-stretches").replaceChildren(...(shown.length ? shown : [el("li", { text: "Nowhere: every queue meets its target all week." })]));
  const teamTz = state.teams.find((t) => t.id === state.team)?.tz;
  $("short-title").textContent = `Where service suffers (${teamTz ? `${teamTz} time` : "the team's time"}), and who could cover it`;
  const lines = v.report?.lines || [];
  $("lead-lines").hidden = !lines.length;
  $("lead-lines-list").replaceChildren(...lines.map((line) => el("li", { text: line })));
}

// ---------------------------------------------------------------- conflicts with stored availability

async function showConflicts() {
  const box = $("conflicts");
  const shown = state.grid;
  const items = [];
  const published = state.versions.find((v) => v.published && v.first_day === state.detail?.first_day);
  let publishedConflicts = [];
  if (published && published.number !== state.version) {
    const other = await api(teamPath(`/rosters/${published.number}/grid?zone=team`));
    publishedConflicts = other.conflicts;
  }
  if (shown.conflicts.length) items.push([`v${state.version} (shown)`, shown.conflicts, state.version]);
  if (publishedConflicts.length) items.push([`v${published.number} (published)`, publishedConflicts, published.number]);
  if (!items.length) {
    box.replaceChildren();
    return;
  }
  const newer = (number) => state.versions.find((v) => v.number > number && v.first_day === state.detail?.first_day);
  const action = (number) => {
    // a newer version that the page shows without conflicts already answers them: publish it, not re-roster again
    if (number !== state.version && state.version > number && !shown.conflicts.length) {
      return el("div", {},
        el("p", { text: `v${state.version} (shown) has none of them: compare it with v${number}${state.can.roster ? " and publish it to replace" : ""}.` }),
        el("button", { type: "button", class: "compare-conflicts", onclick: guard(() => compareFromConflicts(number, state.version)) }, `Compare v${number} with v${state.version}`));
    }
    const later = newer(number);
    const note = later ? el("p", { class: "help", text: `v${later.number} is newer for this week: pick it above to see whether it has them.` }) : "";
    if (!state.can.roster) return el("div", {}, note, el("p", { class: "help", text: "A lead can re-roster the week around them." }));
    const limit = `reroster-limit-${number}`;
    return el("div", {}, note,
      el("button", { type: "button", class: "reroster-conflicts", "aria-describedby": limit, onclick: guard(() => startJob(rerosterBody(number))) }, `Re-roster v${number} around them`),
      " ", el("span", { id: limit, class: "help reroster-limit", text: rerosterLimitWords() }));
  };
  box.replaceChildren(el("div", { class: "conflicts", role: "alert" },
    el("h2", { text: "⚠ Conflicts with the availability stored now" }),
    ...items.map(([label, list, number]) => el("div", {},
      el("p", { text: `${label}: ${list.length} conflict${list.length > 1 ? "s" : ""}` }),
      el("ul", {}, ...list.map((c) => el("li", { text: c.text }))),
      action(number)))));
}

async function compareFromConflicts(base, other) {
  $("compare-base").value = String(base);
  $("compare-other").value = String(other);
  fitCompareOther();
  showPublishState();
  await selectTab("compare"); // which compares them
}

function rerosterBody(number) {
  // a re-roster of a version, with the Solve tab's time limit; shifts that have started stay as they are
  // (and nothing new starts before now) when the lead keeps them
  const body = { base_version: number, time_limit_s: Number($("solve-limit").value) };
  if ($("reroster-all").checked) body.reoptimize = true; // by default only the broken weeks change
  if ($("reroster-lock").checked) {
    const now = new Date();
    showLockTime(now);
    body.locked_before = now.toISOString();
  }
  return body;
}

function localDate(instant, tz) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

function localTime(instant, tz) {
  // an instant in words on the team's clock, e.g. "Wed 04 Nov 12:00"
  return new Date(instant).toLocaleString("en-GB", { timeZone: tz, weekday: "short", day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", hour12: false }).replace(",", "");
}

function showLockTime(now = new Date()) {
  if (!state.grid) return;
  const when = $("reroster-lock-when");
  when.textContent = `(before ${localTime(now, state.grid.team_tz)})`;
  when.title = `now, in the team's zone (${state.grid.team_tz})`;
}

function defaultLock() {
  // while the week runs on the team's clock, a re-roster keeps what has started unless the lead says
  // otherwise; a week that is over is re-rostered whole (kept, nothing of it could change)
  const key = `${state.team}/${state.grid.days[0]}`;
  showLockTime();
  if (state.lockWeek === key) return; // the lead's choice stands while the week is the same
  state.lockWeek = key;
  const today = localDate(new Date(), state.grid.team_tz);
  $("reroster-lock").checked = today >= state.grid.days[0] && today <= state.grid.days[state.grid.days.length - 1];
}

// ---------------------------------------------------------------- day view

function fillDays() {
  const select = $("day-date");
  const days = state.grid?.days || [];
  const keep = select.value;
  select.replaceChildren(...days.map((d) => el("option", { value: d, text: dayHeading(d) })));
  if (days.includes(keep)) select.value = keep;
}

async function loadDay() {
  if (state.version === null || !state.grid) return;
  fillDays();
  const day = $("day-date").value || state.grid.days[0];
  const [team, version] = [state.team, state.version];
  const d = await api(teamPath(`/rosters/${version}/day/${day}`));
  // an answer for what is no longer shown (another team, version or day: a day picked while the tab's
  // first answer was on its way) is dropped, not drawn over the newer one
  if (team !== state.team || version !== state.version || day !== ($("day-date").value || day)) return;
  drawDay(d);
}

const NOT_MEASURED = "not measured for this version (stored before service was measured): re-roster the week to see where service suffers";

const STATE_WORDS = { break: "break", lunch: "lunch", time_off: "time off", absence: "absent", unavailable: "unavailable", "": "off" };

const QUEUE_PATTERNS = ["solid", "striped", "banded", "hatched"]; // .st-q0 … .st-q3 in style.css

function drawDay(d) {
  const queues = d.queues.map((q) => q.queue);
  // the legend names the day's queues, each with its swatch and pattern
  for (const node of document.querySelectorAll("#day-legend li.queue-key")) node.remove();
  $("day-legend").prepend(...queues.map((q, i) => el("li", { class: "queue-key", "data-queue": q },
    el("span", { class: `swatch st-q${i % 4}` }), ` ${q} (${QUEUE_PATTERNS[i % 4]})`)));
  const table = el("table", { class: "dayview", id: "day-table" });
  table.append(el("caption", { class: "help" }, el("span", { class: "caption-text", text: `${dayHeading(d.date)}, ${d.team_tz}: agents as rows, ${d.interval_minutes}-minute intervals as columns; under them, each queue's need against the agents on it.` })));
  // hour headings span the intervals of each hour; a DST day has 23 or 25 of them
  const hours = [];
  d.intervals.forEach((iv, i) => {
    const hour = iv.label.slice(0, 2);
    if (!hours.length || hours[hours.length - 1].hour !== hour || i === 0) hours.push({ hour, span: 1 });
    else hours[hours.length - 1].span += 1;
  });
  table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "agent", text: "Agent" }), ...hours.map((h) => el("th", { scope: "colgroup", colspan: String(h.span), class: "hour", text: h.hour })))));
  const body = el("tbody");
  for (const a of d.agents) {
    const row = el("tr", { "data-agent": a.id }, el("th", { scope: "row", class: "agent" }, el("span", { class: "name", text: a.name }), el("small", { text: [...a.shifts, ...(a.away ?? [])].join("; ") || "off" })));
    a.states.forEach((s, i) => {
      const queue = s.startsWith("queue:") ? s.slice(6) : null;
      const kind = queue ? `st-q${queues.indexOf(queue) % 4}` : s ? `st-${s}` : "st-off";
      row.append(el("td", { class: `iv ${kind}`, title: `${d.intervals[i].label} ${queue ?? STATE_WORDS[s] ?? s}` }));
    });
    body.append(row);
  }
  table.append(body);
  // the net staffing strip: per queue, need, agents on the queue and the net, on the same columns
  const strip = el("tbody", { class: "strip" });
  const num = (x) => (x === null ? "" : Number.isInteger(x) ? String(x) : x.toFixed(1));
  for (const q of d.queues) {
    strip.append(el("tr", { class: "strip-head" }, el("th", { scope: "rowgroup", colspan: String(d.intervals.length + 1), text: `${q.queue}: need ${fmt(q.need_hours, 1)} agent-h, on queue ${fmt(q.on_queue_hours, 1)} agent-h, below the need ${fmt(q.shortfall_hours, 1)} agent-h; expected service level ${pct(q.service_level)} (target ${pct(q.target_service_level)})${q.below_target ? ": below target" : ""}` })));
    strip.append(el("tr", { "data-queue": q.queue, "data-row": "need" }, el("th", { scope: "row", class: "agent", text: "need" }), ...q.need.map((x, i) => el("td", { class: "iv num", title: `${d.intervals[i].label} need ${num(x)}`, text: num(x) }))));
    strip.append(el("tr", { "data-queue": q.queue, "data-row": "on_queue" }, el("th", { scope: "row", class: "agent", text: "on queue" }), ...q.on_queue.map((x, i) => el("td", { class: "iv num", title: `${d.intervals[i].label} on queue ${num(x)}`, text: num(x) }))));
    // red only where service suffers (the version's report); elsewhere a shortfall is a grey minus
    strip.append(el("tr", { "data-queue": q.queue, "data-row": "net" }, el("th", { scope: "row", class: "agent", text: "below need" }), ...q.short.map((x, i) => el("td", {
      class: `iv num${q.suffers[i] ? " short-cell" : x > 1e-6 ? " below-need" : ""}`,
      title: `${d.intervals[i].label} ${x > 1e-6 ? `${num(x)} below the need` : "need met"}${q.suffers[i] ? "; service suffers" : ""}`,
      text: x > 1e-6 ? `−${num(x)}` : "",
    }))));
  }
  table.append(strip);
  const words = d.queues.map((q) => el("li", { class: q.short_stretches?.length ? "short" : undefined },
    `${q.queue}: `, q.short_stretches === null ? NOT_MEASURED : q.short_stretches.length ? q.short_stretches.join("; ") : "service meets its target all day"));
  const note = d.moved_shifts ? el("p", { class: "help", text: `${d.moved_shifts} shift(s) moved by hand are drawn where they now are; the need and on-queue rows are the version's report, as solved: re-roster to count them.` }) : "";
  $("day-view").replaceChildren(el("div", { class: "grid-wrap", tabindex: "0", role: "region", "aria-label": "The day: agents × intervals, and each queue's need (scrolls)" }, table), note, el("h2", { text: "Where service suffers" }), el("ul", { id: "day-short" }, ...words));
}

// ---------------------------------------------------------------- coverage

async function loadCoverage() {
  if (state.version === null) return;
  const [team, version] = [state.team, state.version];
  const coverage = await api(teamPath(`/rosters/${version}/coverage/chart`));
  if (team !== state.team || version !== state.version) return; // an answer for what is no longer shown
  state.coverage = coverage;
  const select = $("coverage-queue");
  const previous = select.value;
  select.replaceChildren(...state.coverage.queues.map((q) => el("option", { value: q.queue, text: q.queue })));
  if (state.coverage.queues.some((q) => q.queue === previous)) select.value = previous;
  if (!$("panel-coverage").hidden) await drawCoverage();
}

const SHORT_RED = "#e03a2f"; // agents below the need: red, hatched (the legend shows the same swatch)
const NARROW_CHART_PX = 640; // a chart narrower than this (a phone) is drawn taller: its legend takes a row an item

async function drawCoverage() {
  const c = state.coverage;
  if (!c) return;
  const q = c.queues.find((x) => x.queue === $("coverage-queue").value) || c.queues[0];
  if (!q) return;
  drawCoverageTables(q);
  const Plotly = await loadPlotly();
  const h = q.hourly;
  const covered = h.on_queue.map((x, i) => Math.min(x, h.need[i]));
  const traces = [
    { x: h.x_hours, y: covered, name: "on the queue (up to the need)", type: "bar", offset: 0, width: 1, marker: { color: "#2f6fb3" }, text: h.local, textposition: "none", hovertemplate: "%{text}<br>on queue, covering the need: %{y:.1f}<extra></extra>" },
    // red with dark hatching laid over it ("overlay": the red stays), so the shortfall shows without colour too
    { x: h.x_hours, y: h.short.map((x) => (x > 1e-6 ? x : null)), name: "below the need (red, hatched)", type: "bar", offset: 0, width: 1, marker: { color: SHORT_RED, line: { color: "#7a1712", width: 1 }, pattern: { shape: "/", fillmode: "overlay", fgcolor: "#4a0d0a", fgopacity: 0.6, size: 7, solidity: 0.35 } }, text: h.local, textposition: "none", hovertemplate: "%{text}<br>below the need: %{y:.1f} agents<extra></extra>" },
    { x: h.x_hours, y: h.on_queue.map((x, i) => Math.max(0, x - h.need[i])), name: "on the queue above the need", type: "bar", offset: 0, width: 1, marker: { color: "#9cc3e6" }, text: h.local, textposition: "none", hovertemplate: "%{text}<br>above the need: %{y:.1f}<extra></extra>" },
    { x: [...h.x_hours, (h.x_hours.at(-1) ?? 0) + 1], y: [...h.need, h.need.at(-1) ?? 0], name: "need (the target)", type: "scatter", mode: "lines", line: { shape: "hv", color: "#1b1f24", width: 2, dash: "dash" }, hoverinfo: "skip" },
  ];
  // the legend sits at the foot of the whole figure, under the axis title (the margin grows to hold
  // both): on a narrow screen its items take a row each and the day labels slant, and nothing overlaps
  const chart = $("coverage-chart");
  const height = chart.clientWidth < NARROW_CHART_PX ? 440 : 340;
  chart.style.height = `${height}px`;
  const layout = {
    height,
    margin: { t: 10, r: 10, b: 60, l: 50 },
    xaxis: { tickvals: c.ticks.map((t) => t.x_hours), ticktext: c.ticks.map((t) => t.label), title: { text: `hour of the week (${c.team_tz})` }, automargin: true },
    yaxis: { title: { text: "agents (mean over the hour)" }, rangemode: "tozero" },
    legend: { orientation: "h", yref: "container", x: 0, y: 0, yanchor: "bottom" },
    barmode: "stack",
    bargap: 0,
  };
  await Plotly.react("coverage-chart", traces, layout, { responsive: true, displaylogo: false });
}

function drawCoverageTables(q) {
  const table = $("service-table");
  table.replaceChildren(
    el("caption", { text: `${q.queue}: target ${pct(q.target_service_level)}; ${fmt(q.shortfall_hours, 1)} agent-hours below the need this week` }),
    el("thead", {}, el("tr", {}, ...["day", "need (agent-h)", "on queue (agent-h)", "below need (agent-h)", "expected service level", "contacts"].map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...q.daily.map((d) => el("tr", {},
      el("th", { scope: "row", text: dayHeading(d.date) }),
      el("td", { class: "num", text: fmt(d.need_hours, 1) }),
      el("td", { class: "num", text: fmt(d.on_queue_hours, 1) }),
      el("td", { class: "num", text: fmt(d.shortfall_hours, 1) }),
      el("td", { class: `num${d.below_target ? " short" : ""}`, text: `${pct(d.service_level)}${d.below_target ? " (below target)" : ""}` }),
      el("td", { class: "num", text: fmt(d.volume) })))),
  );
  // per day: a line with the stretches where service suffers and their hours, the stretches inside a <details>
  const list = $("coverage-short");
  if (q.short_stretches === null) {
    list.replaceChildren(el("li", { text: NOT_MEASURED }));
    return;
  }
  const byDay = new Map();
  for (const s of q.short_stretches) byDay.set(s.local_date, [...(byDay.get(s.local_date) || []), s]);
  list.replaceChildren(...(byDay.size ? [...byDay].map(([day, stretches]) => {
    const hours = stretches.reduce((sum, s) => sum + s.hours, 0);
    const below = stretches.reduce((sum, s) => sum + s.shortfall_hours, 0);
    return el("li", { class: "short" }, el("details", {},
      el("summary", { text: `${dayHeading(day)}: service suffers ${counted(hours, "hour", Number.isInteger(hours) ? 0 : 2)} in ${counted(stretches.length, "stretch")}${below >= 0.05 ? ` (${fmt(below, 1)} agent-hours below the need)` : ""}` }),
      el("ul", {}, ...stretches.map((s) => el("li", { text: s.text })))));
  }) : [el("li", { text: `Nowhere: ${q.queue} meets its target every hour of the week.` })]));
}

// ---------------------------------------------------------------- solves

async function startJob(body) {
  const job = await api(teamPath("/roster-jobs"), { method: "POST", json: body });
  state.jobLimit = body.time_limit_s;
  await watchJob(job.id); // awaited: an error while watching is reported, never lost
}

function leadFigures(figures) {
  // a roster's figures in a lead's terms: agent-hours short and the expected service level per queue
  if (!figures || figures.shortfall_hours === undefined || figures.shortfall_hours === null) return null;
  const levels = Object.entries(figures.service_level || {}).map(([q, v]) => `${q} ${pct(v)}`).join(", ");
  return `${fmt(figures.shortfall_hours, 1)} agent-hours short${levels ? `; expected service level ${levels}` : ""}`;
}

function summaryFigures(summary) {
  // a stored version's summary in the same terms (its `shortfall_hours` where the report gives one)
  if (!summary) return null;
  return { shortfall_hours: summary.shortfall_hours ?? summary.understaffed_agent_hours, service_level: summary.service_level_by_queue };
}

function finishedElapsed(job) {
  // an ended job's running time from its own clock (started to finished), as the service recorded it
  if (!job.started_at || !job.finished_at) return null;
  const seconds = (Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function showJob(job) {
  // a field the service no longer sends (e.g. after a cancel) keeps the last value shown
  const last = state.jobShown[job.id] || {};
  const pick = (k) => (job[k] === null || job[k] === undefined ? last[k] ?? null : job[k]);
  const active = ["queued", "running"].includes(job.state);
  // elapsed time never runs backwards on the screen (the last answer may count the solver alone)
  const elapsed = [pick("elapsed_s"), active ? null : finishedElapsed(job), last.elapsed_s ?? null].filter((x) => x !== null);
  const shown = {
    objective: pick("objective"),
    bound: pick("bound"),
    elapsed_s: elapsed.length ? Math.max(...elapsed) : null,
    figures: job.progress?.shortfall_hours !== undefined ? job.progress : last.figures ?? null,
    first_s: last.first_s ?? null,
  };
  if (shown.first_s === null && shown.objective !== null) shown.first_s = job.progress?.first_roster_s ?? shown.elapsed_s;
  state.jobShown[job.id] = shown;
  $("job").hidden = false;
  $("job-id").textContent = job.id;
  $("job-state").textContent = job.state;
  // a solve that has ended says so in its heading: its roster is no longer the best "so far"
  $("job-title").textContent = active ? "The solve" : `The solve: ${job.state === "succeeded" ? "finished" : job.state}`;
  $("job-roster-term").textContent = active ? "Best roster so far" : job.state === "succeeded" ? "Roster stored" : "Best roster found";
  const first = leadFigures(shown.figures);
  const found = shown.objective !== null;
  $("job-roster").textContent = !found
    ? active ? "looking for a first roster…" : "none"
    : active ? "a roster is found; its figures come with the result"
      : job.state === "cancelled" ? "a roster was found, but the solve was cancelled: nothing was stored"
        : job.state === "failed" ? "none stored: the solve failed" : "a roster is found";
  $("job-first").textContent = shown.first_s !== null ? `found after ${shown.first_s.toFixed(1)} s${first ? `: ${first}` : ""}` : active ? "not yet" : "none";
  $("job-objective").textContent = fmt(shown.objective);
  const hasBound = shown.bound !== null && shown.bound > -1e300;
  // a bound and its gap are shown only when the solver has proven one (no "gap" that says nothing)
  for (const node of document.querySelectorAll(".job-bound")) node.hidden = !hasBound;
  $("job-bound").textContent = hasBound ? fmt(shown.bound) : "–";
  const gap = shown.objective !== null && hasBound ? Math.abs(shown.objective - shown.bound) / Math.max(1, Math.abs(shown.objective)) : null;
  $("job-gap").textContent = gap === null ? "–" : pct(gap);
  $("job-elapsed").textContent = shown.elapsed_s === null ? "–" : `${shown.elapsed_s.toFixed(1)} s`;
  const limit = state.jobLimit || Number($("solve-limit").value) || 1;
  $("job-progress").value = job.state === "succeeded" ? 1 : Math.min(1, (shown.elapsed_s || 0) / limit);
  $("job-cancel").disabled = !active;
}

const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 16_000;

function transient(err) {
  // the service could not be reached (fetch throws a TypeError) or answered that it is busy or restarting
  return !(err instanceof ApiError) || [502, 503, 504].includes(err.status);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function whileConnected(request, stillWanted) {
  // a request of the job watch, tried again (waiting longer each time) while the service cannot be
  // reached; the job runs on in the service meanwhile. Other errors are the caller's.
  let wait = RETRY_FIRST_MS;
  for (;;) {
    try {
      const out = await request();
      $("job-connection").textContent = "";
      return out;
    } catch (err) {
      if (!transient(err) || !stillWanted()) throw err;
      $("job-connection").textContent = `Connection lost, retrying… (next try in ${Math.round(wait / 1000)} s; the solve goes on in the service)`;
      await sleep(wait);
      wait = Math.min(RETRY_MAX_MS, wait * 2);
    }
  }
}

async function watchJob(id) {
  state.job = id;
  const team = state.team;
  $("job-show-roster").hidden = true;
  $("job-error").replaceChildren();
  $("job-connection").textContent = "";
  $("job").hidden = false;
  $("job-id").textContent = id;
  $("job-state").textContent = "started";
  for (const field of ["job-roster", "job-first", "job-elapsed", "job-objective"]) $(field).textContent = "–";
  selectTab("solve");
  const wanted = () => state.job === id;
  while (wanted()) {
    const job = await whileConnected(() => api(`/jobs/${id}`), wanted);
    if (!wanted()) return;
    showJob(job);
    if (job.state === "succeeded") {
      if (team !== state.team) {
        // another team was picked meanwhile: its roster is not loaded over the team shown
        say(`Solve finished: roster v${job.version} of ${team} is stored; pick that team to see it.`);
        return;
      }
      state.versions = await whileConnected(() => api(teamPath("/rosters")), wanted);
      fillVersions();
      await whileConnected(() => selectVersion(job.version), wanted);
      const figures = leadFigures(summaryFigures(state.detail?.summary));
      if (figures) $("job-roster").textContent = `${figures} (roster v${job.version})`;
      const show = $("job-show-roster");
      show.textContent = `See roster v${job.version} in the Roster tab`;
      show.hidden = false;
      say(`Solve finished: roster v${job.version} is stored and shown in the Roster tab.`);
      return;
    }
    if (job.state === "failed" || job.state === "cancelled") {
      if (job.error) $("job-error").replaceChildren(errorList({ body: job.error, message: job.error.title }));
      say(`Solve ${job.state}.${job.state === "cancelled" ? " Nothing was stored; the figures above are the last it reported." : ""}`);
      return;
    }
    await sleep(POLL_MS);
  }
}

// ---------------------------------------------------------------- compare and publish

function agentName(id) {
  return state.grid?.agents.find((a) => a.id === id)?.name ?? id;
}

async function compareVersions() {
  const base = $("compare-base").value;
  const other = $("compare-other").value;
  const c = await api(teamPath(`/rosters/${base}/compare/${other}`));
  state.comparison = c;
  const summary = el("table", { class: "data", id: "compare-summary" });
  // a lead's figures first: each queue's expected service level against its target, then hours; the
  // solver's points last
  const queues = Object.keys(c.summary[base].service_level_by_queue || c.summary[other].service_level_by_queue || {});
  const rows = [
    ...queues.map((q) => [`service level, ${q} (target ${pct(c.summary[base].target_by_queue?.[q] ?? c.summary[other].target_by_queue?.[q])})`, (s) => pct(s.service_level_by_queue?.[q])]),
    ["agent-hours short of the need", (s) => fmt(s.understaffed_agent_hours, 1)],
    ["agent-hours over the need", (s) => fmt(s.overstaffed_agent_hours, 1)],
    ["hours rostered", (s) => fmt(s.scheduled_hours, 1)],
    ["shifts", (s) => fmt(s.shifts)],
    ["points (soft rules; lower is better)", (s) => fmt(s.objective)],
  ];
  summary.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "figure" }), el("th", { scope: "col", text: `v${base}` }), el("th", { scope: "col", text: `v${other}` }))));
  summary.append(el("tbody", {}, ...rows.map(([label, show]) => el("tr", {}, el("th", { scope: "row", text: label }),
    ...[base, other].map((n) => el("td", { class: "num", text: show(c.summary[n]) }))))));
  const affected = Object.entries(c.hours_by_agent).filter(([, h]) => h.base !== h.other);
  $("comparison").replaceChildren(
    summary,
    el("h2", { text: `What changed (${c.changes.length} agent-days; ${c.unchanged} unchanged)` }),
    el("ul", { id: "changes" }, ...(c.changes.length ? c.changes.map((t) => el("li", { text: t })) : [el("li", { text: "Nothing: the same shifts." })])),
    el("h2", { text: "Who is affected (hours)" }),
    el("ul", {}, ...(affected.length ? affected.map(([a, h]) => el("li", { text: `${agentName(a)}: ${fmt(h.base, 1)} h → ${fmt(h.other, 1)} h` })) : [el("li", { text: "Nobody's hours change." })])),
  );
}

function publishedWhen(version) {
  // when a version was published, on the team's clock
  const tz = state.grid?.team_tz;
  return tz ? `${localTime(version.published_at, tz)} (${tz})` : version.published_at;
}

function publishTarget() {
  // the version being compared (the "with" side), never the one in the top picker
  return state.versions.find((v) => String(v.number) === $("compare-other").value) || null;
}

function showPublishState() {
  const target = publishTarget();
  const button = $("publish");
  if (!target) {
    button.textContent = "Publish";
    button.disabled = true;
    $("publish-state").textContent = "No version to publish.";
    return;
  }
  const current = state.versions.find((v) => v.published && v.first_day === target.first_day);
  button.textContent = `Publish v${target.number}`;
  button.disabled = target.published;
  $("publish-state").textContent = target.published
    ? `v${target.number} is published (since ${publishedWhen(target)}): nothing to do.`
    : current
      ? `v${current.number} is published for the week of ${target.first_day}; publishing v${target.number} replaces it.`
      : `Nothing is published for the week of ${target.first_day} yet.`;
}

async function confirmPublish() {
  const target = publishTarget();
  if (!target || target.published) return;
  const current = state.versions.find((v) => v.published && v.first_day === target.first_day);
  let changes = "";
  if (current) {
    const c = await api(teamPath(`/rosters/${current.number}/compare/${target.number}`));
    changes = ` ${c.changes.length} agent-day${c.changes.length === 1 ? "" : "s"} change for the team.`;
  }
  $("publish-question").textContent = current
    ? `Publish v${target.number} for the week of ${target.first_day}? It replaces v${current.number}, published ${publishedWhen(current)}.${changes}`
    : `Publish v${target.number} for the week of ${target.first_day}? Nothing is published for that week yet.`;
  $("publish-yes").textContent = `Publish v${target.number}`;
  $("publish-dialog").dataset.number = String(target.number);
  $("publish-dialog").showModal();
}

async function publish(number) {
  const out = await api(teamPath(`/rosters/${number}/publish`), { method: "POST" });
  state.versions = await api(teamPath("/rosters"));
  fillVersions();
  state.detail = state.versions.find((v) => v.number === state.version) || null;
  $("version").value = String(state.version);
  drawLeadReport();
  showPublishState();
  await showConflicts();
  say(`v${out.number} published.`);
}

async function download(file) {
  if (state.version === null) return; // no roster shown: nothing to download (the buttons are disabled)
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

// ---------------------------------------------------------------- imports: availability and helpdesk exports

const IMPORT_JOB_WORDS = { queued: "waiting for a worker", running: "reading and storing it" };

async function importResult(out, box, name) {
  // what an import stored: a small file's answer itself; a big file's answer is a job (202), shown in
  // `box` (its state, elapsed time and a bar) while it runs, then its result (or its error, thrown)
  if (!out.state) return out;
  let job = out;
  const line = el("p", { class: "import-job", "data-job": job.id });
  const elapsed = el("span", { class: "elapsed", "aria-live": "off" }); // seconds ticking: not announced
  box.replaceChildren(line, el("progress", { class: "import-progress", "aria-label": `import of ${name}` }), elapsed);
  let shown = "";
  for (;;) {
    if (job.state !== shown) {
      shown = job.state;
      line.textContent = `${name} is big: a job imports it (${IMPORT_JOB_WORDS[job.state] ?? job.state})…`;
    }
    elapsed.textContent = job.elapsed_s === null || job.elapsed_s === undefined ? "" : ` ${fmt(job.elapsed_s, 1)} s`;
    if (!["queued", "running"].includes(job.state)) break;
    await sleep(POLL_MS);
    job = await api(`/jobs/${job.id}`);
  }
  if (job.state !== "succeeded") throw new ApiError(job.error?.status ?? 422, job.error || { title: `the import job was ${job.state}` });
  return job.result;
}

function importFailed(box, words, err) {
  // a refusal (the service's 4xx, or a failed import job) stored nothing; anything else leaves it unknown
  if (err instanceof ApiError && err.status === 401) throw err;
  if (err instanceof ApiError) {
    box.replaceChildren(el("p", { class: "error", role: "alert", text: `${words} was refused; nothing was stored.` }), errorList(err));
  } else {
    box.replaceChildren(el("p", { class: "error", role: "alert", text: `The page lost the answer (${err.message}): ${words} may have been stored or not. Stored histories are listed in Set up; reload the page to see stored availability.` }));
  }
}

function offerSheets(prefix, err, box, again) {
  // a workbook refused for naming no sheet (or one it lacks): the form offers its sheets to pick from
  const sheets = err instanceof ApiError ? err.body?.issues?.find((i) => i.sheets?.length)?.sheets : null;
  if (!sheets) return false;
  const select = $(`${prefix}-sheet`);
  const keep = select.value;
  select.replaceChildren(...sheets.map((name) => el("option", { value: name, text: name })));
  if (sheets.includes(keep)) select.value = keep;
  $(`${prefix}-sheet-label`).hidden = false;
  box.append(el("p", { class: "sheet-hint" }, `The workbook has the sheets ${sheets.map((n) => `“${n}”`).join(", ")}: pick the one to read (${$(`${prefix}-sheet-label`).firstChild.textContent.trim()}, above), then `,
    el("button", { type: "button", class: "read-sheet", onclick: guard(again) }, "read the sheet picked")));
  select.focus();
  return true;
}

function pickedSheet(prefix) {
  return $(`${prefix}-sheet-label`).hidden ? "" : $(`${prefix}-sheet`).value;
}

function forgetSheets(prefix) {
  // another file: its own sheets, if any, come with its own refusal
  $(`${prefix}-sheet-label`).hidden = true;
  $(`${prefix}-sheet`).replaceChildren();
}

async function checkImport(commit) {
  const file = $("import-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const params = new URLSearchParams({ mode: $("import-mode").value, dry_run: String(!commit) });
  const sheet = pickedSheet("import");
  if (sheet) params.set("sheet", sheet);
  const name = sheet ? `${file.name}, sheet “${sheet}”` : file.name;
  const report = $("import-report");
  report.replaceChildren(el("p", { text: `Checking ${name}…` }));
  let out;
  try {
    out = await importResult(await api(teamPath(`/availability/imports?${params}`), { method: "POST", form }), report, name);
  } catch (err) {
    $("import-commit").disabled = true;
    importFailed(report, name, err);
    offerSheets("import", err, report, () => checkImport(false));
    return;
  }
  report.replaceChildren(
    el("p", { text: commit ? `Imported ${name}.` : `${name} is valid. Nothing is stored until you import it.` }),
    el("table", { class: "data", id: "import-summary" }, el("tbody", {}, ...["rows", "duplicate_rows", "added", "unchanged", "removed"].map((k) =>
      el("tr", {}, el("th", { scope: "row", text: k.replace("_", " ") }), el("td", { class: "num", text: String(out[k]) }))))),
    ...Object.entries(out.skipped_not_approved || {}).map(([status, rows]) =>
      el("p", { class: "note", text: `Skipped ${rows} row${rows === 1 ? "" : "s"} whose status is “${status}”: only approved time off is planned around.` })),
  );
  $("import-commit").disabled = commit;
  state.importFile = commit ? null : file;
  if (commit) await loadAvailabilityChanges();
  if (commit && state.version !== null) await loadGrid(); // new availability: conflicts may appear
}

// ---- the record of changes to the availability: who changed what, and the rows each removed

function changeWhat(change) {
  // "imported hr.csv", "replaced the availability with hr.csv", "marked on the page or typed in", "took back rows"
  if (change.mode === "remove") return "took back rows";
  if (change.mode === "replace") return `replaced the availability with ${change.file}`;
  return change.file === "typed in" ? "marked on the page or typed in" : `imported ${change.file}`;
}

function rowsCell(count, rows) {
  // a count of rows, and the rows in words under it ("which": those kept, the first 200)
  const cell = el("td", { class: "num", text: String(count) });
  if (!rows.length) return cell;
  const items = rows.map((r) => el("li", { text: `${agentName(r.agent_id)}: ${r.date || `every ${r.weekday}`}, ${storedWords(r)}` }));
  if (count > rows.length) items.push(el("li", { text: `and ${counted(count - rows.length, "row")} more` }));
  cell.append(el("details", {}, el("summary", { text: "which" }), el("ul", {}, ...items)));
  return cell;
}

async function loadAvailabilityChanges() {
  const team = state.team;
  const changes = await api(teamPath("/availability/changes"));
  if (team !== state.team) return; // another team was picked meanwhile: its own load draws it
  const tz = state.teams.find((t) => t.id === team)?.tz || "UTC";
  const body = $("availability-changes").querySelector("tbody");
  body.replaceChildren(...changes.map((c) => el("tr", {},
    el("td", { text: localTime(c.at, tz) }),
    el("td", { text: c.by ? `${c.by.label || "unlabelled token"} (${c.by.role})` : "—" }),
    el("td", { text: changeWhat(c) }),
    rowsCell(c.added, c.added_rows),
    rowsCell(c.removed, c.removed_rows))));
  if (!changes.length) body.append(el("tr", {}, el("td", { colspan: "5", text: "No changes yet." })));
}

// ---- a helpdesk export as contact history, its channels mapped to the team's queues

const CHANNEL_MAP_KEY = "wfm-channel-map"; // per team, in this browser: a helpdesk's channels rarely change

async function teamQueues() {
  // the picked team's queue names
  return (await teamInfo()).queues.map((q) => q.name);
}

function mappingRow(queues, channel = "", queue = "") {
  const input = el("input", { name: "channel", value: channel, required: true, size: "18", "aria-label": "channel, as the export writes it" });
  const select = el("select", { name: "queue", "aria-label": "counted as the queue" }, ...queues.map((q) => el("option", { value: q, text: q })));
  if (queues.includes(queue)) select.value = queue;
  const item = el("li", {}, input, " counted as ", select, " ");
  const remove = el("button", { type: "button", class: "remove-mapping", onclick: () => { item.remove(); saveChannelMap(); } }, "Remove");
  item.append(remove);
  const describe = () => remove.setAttribute("aria-label", `Remove the mapping of ${input.value || "this channel"}`);
  describe();
  input.addEventListener("input", describe);
  input.addEventListener("change", saveChannelMap);
  select.addEventListener("change", saveChannelMap);
  return item;
}

function channelMap() {
  // the form's mapping: [channel, queue] pairs with a channel written
  return [...$("tickets-mapping").children].map((li) => [li.querySelector("[name=channel]").value.trim(), li.querySelector("[name=queue]").value]).filter(([c, q]) => c && q);
}

function saveChannelMap() {
  localStorage.setItem(`${CHANNEL_MAP_KEY}/${state.team}`, JSON.stringify(channelMap()));
}

async function loadChannelMap() {
  // the mapping this browser used last for the team (pairs naming a queue the team no longer has are left out)
  if (!state.can.roster || !state.team || $("tickets-mapping").dataset.team === state.team) return;
  const team = state.team;
  const queues = await teamQueues();
  if (team !== state.team) return;
  let pairs = [];
  try {
    pairs = JSON.parse(localStorage.getItem(`${CHANNEL_MAP_KEY}/${team}`) || "[]");
  } catch {
    pairs = [];
  }
  $("tickets-mapping").replaceChildren(...pairs.filter(([, q]) => queues.includes(q)).map(([c, q]) => mappingRow(queues, c, q)));
  $("tickets-mapping").dataset.team = team;
}

async function setChannelMap(pairs) {
  // channels mapped from the report: each one's row updated or added
  const queues = await teamQueues();
  const rows = [...$("tickets-mapping").children];
  for (const [channel, queue] of pairs) {
    const row = rows.find((li) => li.querySelector("[name=channel]").value.trim().toLowerCase() === channel.toLowerCase());
    if (row) row.querySelector("[name=queue]").value = queue;
    else $("tickets-mapping").append(mappingRow(queues, channel, queue));
  }
  saveChannelMap();
}

async function mapQueueParams() {
  // map_queue pairs of the mapping; with a mapping the service drops every channel it does not name, so
  // each team queue also maps to itself: a channel that already names a queue ("Email") still counts
  const pairs = channelMap();
  if (!pairs.length) return [];
  const mapped = new Set(pairs.map(([c]) => c.toLowerCase()));
  const same = (await teamQueues()).filter((q) => !mapped.has(q.toLowerCase())).map((q) => [q, q]);
  return [...pairs, ...same].map(([c, q]) => `${c}=${q}`);
}

// the service's options of an export's columns and times, each from its field of the form
const TICKET_FIELDS = { created: "tickets-created", queue: "tickets-queue", ticket_id: "tickets-ticket-id", region: "tickets-region", country: "tickets-country", handle_minutes: "tickets-handle-minutes", assume_tz: "tickets-assume-tz", time_format: "tickets-time-format" };

function ticketParams() {
  // the helpdesk (none for "Other") and each column or time option given
  const params = new URLSearchParams();
  if ($("tickets-preset").value) params.set("preset", $("tickets-preset").value);
  for (const [name, id] of Object.entries(TICKET_FIELDS)) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

async function importTickets(file = $("tickets-file").files[0]) {
  if (!file) return;
  await loadChannelMap();
  const form = new FormData();
  form.append("file", file);
  const params = ticketParams();
  const sheet = pickedSheet("tickets");
  if (sheet) params.set("sheet", sheet);
  for (const pair of await mapQueueParams()) params.append("map_queue", pair);
  const name = sheet ? `${file.name}, sheet “${sheet}”` : file.name;
  const report = $("tickets-report");
  report.replaceChildren(el("p", { text: `Reading ${name}…` }));
  let out;
  try {
    out = await importResult(await api(teamPath(`/history/tickets?${params}`), { method: "POST", form }), report, name);
  } catch (err) {
    importFailed(report, name, err);
    offerSheets("tickets", err, report, () => importTickets(file));
    return;
  }
  await drawTicketReport(out, file);
}

async function drawTicketReport(out, file) {
  // what the import kept and dropped, and why; each channel dropped for want of a queue offered a queue
  const r = out.meta.report;
  const dropped = Object.values(r.dropped).reduce((sum, n) => sum + n, 0);
  const span = out.meta.first_ds ? ` (${out.meta.first_ds.slice(0, 10)} to ${out.meta.last_ds.slice(0, 10)}, UTC)` : "";
  const parts = [el("p", { class: "tickets-summary", text: `Stored contact history #${out.id}${span} from ${out.meta.file}: ${fmt(r.kept)} of ${fmt(r.rows_read)} rows kept, ${fmt(dropped)} dropped${r.blank_rows ? `; ${fmt(r.blank_rows)} blank row${r.blank_rows === 1 ? "" : "s"} skipped` : ""}.` })];
  const mapped = channelMap();
  if (mapped.length) parts.push(el("p", { class: "help", text: `Channels mapped: ${mapped.map(([c, q]) => `${c} → ${q}`).join(", ")}.` }));
  if (dropped) {
    parts.push(el("table", { class: "data issues", id: "tickets-dropped" },
      el("caption", { text: "Tickets dropped, by reason" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "reason" }), el("th", { scope: "col", text: "tickets" }))),
      el("tbody", {}, ...Object.entries(r.dropped).sort((a, b) => b[1] - a[1]).map(([why, n]) => el("tr", {}, el("td", { text: why }), el("td", { class: "num", text: fmt(n) }))))));
  }
  const unmapped = Object.entries(r.unmapped_channels || {}).sort((a, b) => b[1] - a[1]);
  if (unmapped.length) {
    const queues = await teamQueues();
    const rows = unmapped.map(([channel, n]) => el("tr", { "data-channel": channel },
      el("th", { scope: "row", text: channel }),
      el("td", { class: "num", text: fmt(n) }),
      el("td", {}, el("select", { "aria-label": `queue for the channel ${channel}` },
        el("option", { value: "", text: "not counted" }), ...queues.map((q) => el("option", { value: q, text: q }))))));
    const note = el("p", { class: "error", role: "alert" });
    const reimport = async () => {
      const pairs = [...$("tickets-unmapped").tBodies[0].rows].map((tr) => [tr.dataset.channel, tr.querySelector("select").value]).filter(([, q]) => q);
      if (!pairs.length) {
        note.textContent = "Pick a queue for at least one channel first.";
        return;
      }
      await setChannelMap(pairs);
      await importTickets(file);
    };
    parts.push(
      el("table", { class: "data", id: "tickets-unmapped" },
        el("caption", { text: "Channels not counted (none of the team's queues): pick a queue to count one" }),
        el("thead", {}, el("tr", {}, ...["channel", "tickets", "count as"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, ...rows)),
      el("button", { type: "button", id: "tickets-reimport", onclick: guard(reimport) }, "Re-import with this mapping"),
      note,
      el("p", { class: "help", text: `History #${out.id} stays stored as it is; a re-import stores a new history, which Set up offers first to forecast from. The mapping is kept for this team's next exports (Channels counted as a queue, above).` }),
    );
  }
  if (r.warnings.length) parts.push(el("ul", { class: "warnings" }, ...r.warnings.map((w) => el("li", { text: w }))));
  $("tickets-report").replaceChildren(...parts);
  say(`Contact history #${out.id} stored.`);
}

// ---------------------------------------------------------------- set up: a new team, a week's requirements

async function loadSetup() {
  // the Set up view for the team picked: which team its requirements go to, the histories to forecast from
  const team = state.team;
  const brief = state.teams.find((t) => t.id === team);
  $("requirements-for").textContent = brief
    ? `For ${brief.name} (${brief.tz}): the agents needed on each queue, interval by interval, for the week a solve rosters.`
    : "Create a team (or pick one) first.";
  for (const id of ["requirements-submit", "forecast-submit", "history-delete"]) $(id).disabled = !brief;
  if (state.can.edit) await loadTeamSettings();
  if (team !== state.team) return; // another team was picked meanwhile
  if (!brief) {
    $("forecast-history").replaceChildren();
    $("forecast-none").hidden = true;
    return;
  }
  const histories = await api(teamPath("/history"));
  if (team !== state.team) return; // another team was picked meanwhile
  $("forecast-history").replaceChildren(...histories.map((h) => el("option", {
    value: h.id,
    text: `#${h.id}${h.meta?.file ? ` ${h.meta.file}` : ""}: ${h.meta?.first_ds ? `${h.meta.first_ds.slice(0, 10)} to ${h.meta.last_ds.slice(0, 10)} (UTC)` : "history"}, stored ${h.created_at.slice(0, 10)}`,
  })));
  $("forecast-none").hidden = histories.length > 0;
  $("forecast-submit").disabled = !histories.length;
  $("history-delete").disabled = !histories.length;
}

function confirmHistoryDelete() {
  const picked = $("forecast-history").selectedOptions[0];
  if (!picked) return;
  $("history-question").textContent = `Delete contact history ${picked.textContent}? The forecasts made from it go with it; requirements already stored stay.`;
  $("history-dialog").dataset.id = picked.value;
  $("history-dialog").showModal();
}

async function deleteHistory(id) {
  const report = $("requirements-report");
  let deleted;
  try {
    deleted = await api(teamPath(`/history/${encodeURIComponent(id)}`), { method: "DELETE" });
  } catch (err) {
    refused(report, `Contact history #${id} was kept.`, err);
    return;
  }
  report.replaceChildren();
  await loadSetup();
  const forecasts = deleted.filter((d) => d.kind === "forecast").map((d) => `#${d.id}`);
  say(`Contact history #${id} deleted${forecasts.length ? `, with the forecast${forecasts.length === 1 ? "" : "s"} made from it (${forecasts.join(", ")})` : ""}.`);
}

function refused(box, words, err) {
  // an answer of the service that refused the request: said in words, as an alert, with its issues
  if (!(err instanceof ApiError) || err.status === 401) throw err;
  box.replaceChildren(el("p", { class: "error", role: "alert", text: words }), errorList(err));
}

async function createTeam() {
  const file = $("team-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const id = $("team-id").value.trim();
  const report = $("team-report");
  report.replaceChildren(el("p", { text: `Checking ${file.name}…` }));
  let team;
  try {
    team = await api(`/teams/upload${id ? `?id=${encodeURIComponent(id)}` : ""}`, { method: "POST", form });
  } catch (err) {
    refused(report, `${file.name} was refused; no team was created.`, err);
    return;
  }
  $("team-form").reset();
  await loadTeams(team.id); // the new team is picked
  const queues = team.queues.map((q) => q.name).join(", ");
  report.replaceChildren(el("p", { text: `Team ${team.name} (${team.id}) created with ${team.agents.length} agent${team.agents.length === 1 ? "" : "s"} and queue${team.queues.length === 1 ? "" : "s"} ${queues}; it is picked above. Next: its requirements for a week, below.` }));
  say(`Team ${team.name} created.`);
}

async function storedFrame(out) {
  // a stored frame: at once (201), or the result of the job a big file or history became (202)
  if (!out.state) return out;
  let job = out;
  while (["queued", "running"].includes(job.state)) {
    await sleep(POLL_MS);
    job = await api(`/jobs/${job.id}`);
  }
  if (job.state !== "succeeded") throw new ApiError(422, job.error || { title: `the job ${job.state}` });
  return job.result;
}

async function weekOf(stored) {
  // the team's week holding a stored frame's first interval: its first local day, back to the team's week start
  if (!stored.meta?.first_ds) return null;
  const team = await teamInfo();
  const first = new Date(`${localDate(new Date(stored.meta.first_ds), team.tz)}T12:00:00Z`);
  const start = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].indexOf(team.week_start);
  first.setUTCDate(first.getUTCDate() - ((first.getUTCDay() - start + 7) % 7));
  return first.toISOString().slice(0, 10);
}

async function requirementsStored(stored, week, notes = []) {
  // new requirements: picked for a solve and for scenarios, the solve's week set to theirs
  fillRequirements(await api(teamPath("/requirements")));
  for (const id of ["solve-requirements", "scenario-requirements"]) $(id).value = String(stored.id);
  const first = week || (await weekOf(stored));
  if (first) $("solve-week").value = first;
  $("requirements-report").replaceChildren(
    el("p", { text: `Requirements stored (${requirementsLabel(stored)}) and picked for a solve${first ? ` of the week of ${first}` : ""}.` }),
    ...notes.map((note) => el("p", { class: "note", text: `Note: ${note}` })),
    el("button", { type: "button", id: "go-solve", onclick: guard(() => selectTab("solve").then(() => $("tab-solve").focus())) }, "Go to Solve"),
  );
  const demand = el("div", { id: "stored-demand" });
  $("requirements-report").append(demand);
  await showDemand(stored.id, demand);
  say(`Requirements #${stored.id} stored.`);
}

// ---- the week's demand of stored requirements: contacts and agent-hours needed per queue and local day

function intervalHours(rows) {
  // the grid's step, from two consecutive instants of one queue (hours)
  const first = rows[0];
  const next = rows.find((r) => r.queue === first.queue && r.ds > first.ds);
  return next ? (Date.parse(next.ds) - Date.parse(first.ds)) / 3_600_000 : 0.25;
}

function demandByDay(rows, tz) {
  // {queue → {local day → {contacts, hours}}}, the week's own rows (not the backlog carried in)
  const own = rows.filter((r) => !r.lead_in);
  const step = own.length ? intervalHours(own) : 0.25;
  const out = new Map();
  for (const r of own) {
    const day = localDate(new Date(r.ds), tz);
    if (!out.has(r.queue)) out.set(r.queue, new Map());
    const cell = out.get(r.queue).get(day) || { contacts: 0, hours: 0 };
    cell.contacts += Number(r.volume) || 0;
    cell.hours += (Number(r.scheduled_needed_fractional ?? r.scheduled_needed) || 0) * step;
    out.get(r.queue).set(day, cell);
  }
  return out;
}

function demandCell(cell) {
  return cell ? `${fmt(cell.contacts)} · ${fmt(cell.hours, 1)} h` : "–";
}

async function showDemand(requirementsId, box) {
  // the table of the requirements' week: a row per queue and a total, a column per local day and the week
  const team = state.team;
  const stored = await api(teamPath(`/requirements/${requirementsId}`));
  if (team !== state.team) return;
  const tz = state.teams.find((t) => t.id === team)?.tz || "UTC";
  const byQueue = demandByDay(stored.rows, tz);
  const days = [...new Set([...byQueue.values()].flatMap((m) => [...m.keys()]))].sort();
  const sum = (cells) => cells.filter(Boolean).reduce((a, c) => ({ contacts: a.contacts + c.contacts, hours: a.hours + c.hours }), { contacts: 0, hours: 0 });
  const row = (name, cells) => el("tr", {}, el("th", { scope: "row", text: name }), ...cells.map((c) => el("td", { class: "num", text: demandCell(c) })), el("td", { class: "num", text: demandCell(sum(cells)) }));
  const queueRows = [...byQueue.entries()].map(([queue, m]) => row(queue, days.map((d) => m.get(d))));
  const totals = days.map((d) => sum([...byQueue.values()].map((m) => m.get(d))));
  box.replaceChildren(el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "The week's demand (scrolls)" },
    el("table", { class: "data", id: "demand-table" },
      el("caption", { text: `Contacts forecast · agent-hours needed (after shrinkage), by the team's days (${tz})` }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Queue" }), ...days.map((d) => el("th", { scope: "col", text: dayHeading(d) })), el("th", { scope: "col", text: "Week" }))),
      el("tbody", {}, ...queueRows, row("All queues", totals)))),
    el("p", { class: "help", text: "Agent-hours needed: the requirements' fractional need after shrinkage, the need the roster serves (the backlog carried into the week is not counted here)." }));
}

async function uploadRequirements() {
  const file = $("requirements-file").files[0];
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  const report = $("requirements-report");
  report.replaceChildren(el("p", { text: `Checking ${file.name}…` }));
  let stored;
  try {
    stored = await storedFrame(await api(teamPath("/requirements/upload"), { method: "POST", form }));
  } catch (err) {
    refused(report, `${file.name} was refused; nothing was stored.`, err);
    return;
  }
  $("requirements-form").reset();
  await requirementsStored(stored, null);
}

async function forecastRequirements() {
  const week = $("forecast-week").value;
  const report = $("requirements-report");
  report.replaceChildren(el("p", { text: `Forecasting the week of ${week}…` }));
  let stored, forecast;
  try {
    forecast = await storedFrame(await api(teamPath("/forecasts"), { method: "POST", json: { history_id: Number($("forecast-history").value), week } }));
    stored = await api(teamPath("/requirements"), { method: "POST", json: { forecast_id: forecast.id } });
  } catch (err) {
    refused(report, "No requirements were stored.", err);
    return;
  }
  await requirementsStored(stored, week, (forecast.meta && forecast.meta.notes) || []);
}

// ---------------------------------------------------------------- set up: the team's settings

function clockValue(text) {
  // a stored time of day ("7:00", "07:00") as a time input takes it ("07:00")
  const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(String(text ?? ""));
  return match ? `${match[1].padStart(2, "0")}:${match[2]}` : "";
}

function numberOrText(text) {
  // a number typed in the form; what is not one is sent as typed (the service says why it is refused),
  // an empty box as null (the service says the field needs a value)
  const value = String(text).trim();
  if (value === "") return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

// the weekdays as the service spells them, Mon..Sun as HR writes a working week; a live queue's channels
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LIVE_CHANNELS = ["voice", "chat"];

function hoursText(minutes) {
  // minutes as hours in a number box ("2", "1.5", "1.67"); no limit (null) as a blank box
  return minutes === null || minutes === undefined ? "" : String(Math.round((minutes / 60) * 100) / 100);
}

function spreadMinutes(stored) {
  // the start spread box (hours) as the service takes it (minutes; blank: no limit); the stored minutes
  // as they were while the box shows them, so a spread of 100 minutes shown as 1.67 hours is not moved
  const box = $("ts-spread");
  if (box.validity.badInput) return "not a number"; // typed, but not a number (the box holds ""): the service says so
  if (box.value.trim() === box.dataset.shown) return stored ?? null;
  const hours = numberOrText(box.value);
  return typeof hours === "number" ? Math.round(hours * 60) : hours;
}

function minAgentsFields(team) {
  // a number box for each live queue's fewest agents, labelled with the queue's name (by its place in the
  // team's queues: a name may hold any character)
  const live = team.queues.map((q, i) => [q, i]).filter(([q]) => LIVE_CHANNELS.includes(q.channel));
  $("ts-min-agents-fields").replaceChildren(...live.map(([q, i]) => el("label", {},
    `${q.name} `,
    el("input", { type: "number", id: `ts-min-agents-${i}`, class: "short-input", min: "0", max: "1000", step: "1",
      value: String(q.min_agents ?? 0), "aria-describedby": "ts-min-agents-help" }))));
  $("ts-min-agents-help").hidden = !live.length;
  $("ts-min-agents-none").hidden = live.length > 0;
}

function openFields(team) {
  // for each live queue: when it opens and closes, and the days it is open (open_hours, open_days)
  const live = team.queues.map((q, i) => [q, i]).filter(([q]) => LIVE_CHANNELS.includes(q.channel));
  $("ts-open").hidden = !live.length;
  $("ts-open-fields").replaceChildren(...live.map(([q, i]) => {
    const [opens, closes] = (q.open_hours || "-").split("-");
    const days = q.open_days || WEEKDAYS;
    return el("div", { class: "open-row", role: "group", "aria-label": `When ${q.name} takes contacts` },
      el("span", { class: "open-queue", text: q.name }),
      el("label", {}, "opens ", el("input", { type: "time", id: `ts-open-from-${i}`, step: "60", value: opens || "", "aria-label": `${q.name} opens` })),
      el("label", {}, "closes ", el("input", { type: "time", id: `ts-open-to-${i}`, step: "60", value: closes === "24:00" ? "00:00" : closes || "", "aria-label": `${q.name} closes` })),
      ...WEEKDAYS.map((day) => el("label", {}, el("input", { type: "checkbox", id: `ts-open-${i}-${day}`, value: day, checked: days.includes(day), "aria-label": `${q.name} open on ${day[0].toUpperCase()}${day.slice(1)}` }), ` ${day[0].toUpperCase()}${day.slice(1)}`)));
  }));
}

function withOpening(queue, i) {
  // a live queue with open_hours and open_days from its row of the form (null: round the clock, every day)
  const [opens, closes] = [$(`ts-open-from-${i}`).value, $(`ts-open-to-${i}`).value];
  const days = WEEKDAYS.filter((day) => $(`ts-open-${i}-${day}`).checked);
  return {
    ...queue,
    open_hours: opens || closes ? `${opens || "00:00"}-${closes && closes !== "00:00" ? closes : "24:00"}` : null,
    open_days: days.length < WEEKDAYS.length ? days : null,
  };
}

// a live queue's fields of the form, as its error names them ("fewest agents on chat")
const QUEUE_FIELD_WORDS = { min_agents: "fewest agents on", open_hours: "opening hours of", open_days: "days open of" };

function settingsIssues(err, team) {
  // a refused queue field names the queue, as the form labels it ("fewest agents on chat")
  for (const i of err.body?.issues ?? []) {
    const match = /^(?:body\.)?queues\.(\d+)\.(min_agents|open_hours|open_days)/.exec(i.column ?? i.field ?? "");
    const queue = match && team.queues[Number(match[1])];
    if (queue) i.label = `${QUEUE_FIELD_WORDS[match[2]]} ${queue.name}`;
  }
  return err;
}

async function loadTeamSettings({ force = false } = {}) {
  // the Team settings form for the team picked, as stored now; kept as the lead typed it while the form shows
  // that team (a tab left and opened again), unless `force`d (Reload)
  const team = state.team;
  const brief = state.teams.find((t) => t.id === team);
  $("team-settings-form").hidden = !brief;
  if (!brief) {
    state.settings = null;
    $("team-settings-for").textContent = "Create a team (or pick one) first.";
    $("team-settings-report").replaceChildren();
    return;
  }
  if (!force && state.settings?.id === team && state.settingsEdited) return;
  const stored = await api(teamPath());
  if (team !== state.team) return; // another team was picked meanwhile: its own load fills the form
  state.teamInfo = stored;
  fillTeamSettings(stored);
  $("team-settings-report").replaceChildren();
}

function fillTeamSettings(team) {
  // the form from a team as the service gave it (GET or PUT): only the team's own rules, not agents' overrides
  state.settings = team;
  state.settingsEdited = false;
  const shifts = team.shift_rules;
  const labour = team.labour_rules;
  $("team-settings-for").textContent = `For ${team.name} (${team.tz}): how long its shifts are, when they may start, how agents move between queues and rest, and the days time off counts.`;
  $("ts-lengths").value = shifts.lengths_hours.join(", ");
  $("ts-earliest").value = clockValue(shifts.earliest_start);
  $("ts-latest").value = clockValue(shifts.latest_start);
  $("ts-step").value = String(shifts.start_step_minutes);
  $("ts-stretch").value = String(shifts.min_queue_stretch_minutes);
  $("ts-changes").value = String(shifts.max_queue_changes);
  $("ts-rest").value = String(labour.min_rest_hours);
  $("ts-days-off").value = String(labour.min_days_off_per_week);
  $("ts-consecutive").value = String(labour.max_consecutive_days);
  $("ts-off-block").value = String(labour.min_consecutive_days_off);
  $("ts-spread").value = hoursText(shifts.max_start_spread_minutes);
  $("ts-spread").dataset.shown = $("ts-spread").value;
  const leave = team.leave_weekdays ?? WEEKDAYS;
  for (const day of WEEKDAYS) $(`ts-leave-${day}`).checked = leave.includes(day);
  minAgentsFields(team);
  openFields(team);
  $("ts-absence-paid").checked = Boolean(team.absence_paid);
  const warnings = team.warnings ?? [];
  $("team-settings-warnings").hidden = !warnings.length;
  $("team-settings-warnings").querySelector("ul").replaceChildren(...warnings.map((w) => el("li", { text: w })));
  const types = (shifts.types || []).map((t) => t.name);
  $("ts-types-note").hidden = !types.length;
  $("ts-types-note").textContent = types.length
    ? `This team's shifts are its named shift types (${types.join(", ")}), each with its own start and length: the lengths and starts here are not used while it has them.`
    : "";
}

function shiftLengths(text) {
  // "8, 6" or "8; 7,5" or "8 6": lengths apart by a separator and a space, a semicolon or spaces; a comma
  // between two digits is a decimal comma ("7,5" is 7.5 hours, as a spreadsheet in many languages writes it)
  return text.replace(/(\d),(\d)/g, "$1.$2").split(/[;,\s]+/).map((part) => part.trim()).filter(Boolean).map(numberOrText);
}

function leaveDays() {
  // the ticked days that time off counts, Mon..Sun
  return WEEKDAYS.filter((day) => $(`ts-leave-${day}`).checked);
}

function teamSettingsBody(stored) {
  // the team as it was read (its updated_at too), with the form's rules in place of its own
  const lengths = shiftLengths($("ts-lengths").value);
  return {
    ...stored,
    absence_paid: $("ts-absence-paid").checked,
    leave_weekdays: leaveDays(),
    // a live queue's fewest agents from its box; every other field of every queue as it was read
    queues: stored.queues.map((q, i) => {
      const box = $(`ts-min-agents-${i}`);
      return box ? { ...withOpening(q, i), min_agents: numberOrText(box.value) } : q;
    }),
    shift_rules: {
      ...stored.shift_rules,
      lengths_hours: lengths,
      earliest_start: $("ts-earliest").value || null,
      latest_start: $("ts-latest").value || null,
      start_step_minutes: numberOrText($("ts-step").value),
      min_queue_stretch_minutes: numberOrText($("ts-stretch").value),
      max_queue_changes: numberOrText($("ts-changes").value),
      max_start_spread_minutes: spreadMinutes(stored.shift_rules.max_start_spread_minutes),
    },
    labour_rules: {
      ...stored.labour_rules,
      min_rest_hours: numberOrText($("ts-rest").value),
      min_days_off_per_week: numberOrText($("ts-days-off").value),
      max_consecutive_days: numberOrText($("ts-consecutive").value),
      min_consecutive_days_off: numberOrText($("ts-off-block").value),
    },
  };
}

async function saveTeamSettings() {
  const stored = state.settings;
  if (!stored) return;
  const report = $("team-settings-report");
  const button = $("team-settings-save");
  say(""); // an earlier save's "saved" must not stand above this one's answer
  if (!leaveDays().length) {
    // the service refuses no day too, in its field's words: the form says what to do before sending
    report.replaceChildren(
      el("p", { class: "error", role: "alert", text: "The settings were not saved: nothing changed." }),
      el("p", { class: "issue-words", text: "Tick at least one day that time off counts (HR's working days): with none, no day of time off would count as leave." }),
    );
    $("ts-leave-mon").focus();
    return;
  }
  report.replaceChildren(el("p", { text: "Saving…" }));
  button.disabled = true;
  let saved;
  try {
    saved = await api(`/teams/${encodeURIComponent(stored.id)}`, { method: "PUT", json: teamSettingsBody(stored) });
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      report.replaceChildren(
        el("p", { class: "error", role: "alert", text: "Someone changed this team since you opened it: reload the settings and try again." }),
        el("button", { type: "button", id: "team-settings-reload", onclick: guard(reloadTeamSettings) }, "Reload"),
      );
      return;
    }
    refused(report, "The settings were not saved: nothing changed.", settingsIssues(err, stored));
    return;
  } finally {
    button.disabled = false;
  }
  state.teamInfo = saved;
  if (saved.id === state.team) fillTeamSettings(saved);
  report.replaceChildren();
  const warned = saved.warnings?.length ?? 0;
  say(`Team settings saved: the next roster uses them.${warned ? ` ${warned === 1 ? "A warning stands" : `${warned} warnings stand`} under the settings: read ${warned === 1 ? "it" : "them"} before the next solve.` : ""}`);
}

async function reloadTeamSettings() {
  // after a 409: the team as stored now (the lead's typing is dropped), focus back on the form's first field
  await loadTeamSettings({ force: true });
  $("ts-lengths").focus();
  say("Team settings reloaded as stored now.");
}

// ---------------------------------------------------------------- scenarios

function scenarioRow(name = "", volume = "1.0", agents = "") {
  const tr = el("tr");
  tr.append(
    el("td", {}, el("input", { "aria-label": "scenario name", name: "name", value: name, required: true, size: "14" })),
    el("td", {}, el("input", { "aria-label": "volume multiplier", name: "volume", type: "number", step: "0.05", min: "0", value: volume, class: "short-input" })),
    el("td", {}, el("input", { "aria-label": "handle time multiplier", name: "aht", type: "number", step: "0.05", min: "0", value: "1.0", class: "short-input" })),
    el("td", {}, el("input", { "aria-label": "shrinkage in per cent (empty: as now)", name: "shrinkage", type: "number", step: "1", min: "0", max: "99", class: "short-input" })),
    el("td", {}, el("input", { "aria-label": "agents in team (empty: as now)", name: "agents", type: "number", min: "1", value: agents, class: "short-input" })),
    el("td", {}, el("input", { "aria-label": "number of hires (each skilled for every queue)", name: "hires", type: "number", min: "0", max: "50", class: "short-input" })),
    el("td", {}, el("select", { "aria-label": "zone the hires work in", name: "hire_tz" })),
    el("td", {}, el("input", { "aria-label": "weekly hours of each hire", name: "hire_hours", type: "number", min: "1", max: "60", step: "1", value: "40", class: "short-input" })),
    el("td", {}, el("select", { "aria-label": "agents who leave (pick several with Ctrl or Shift)", name: "leavers", multiple: true, size: "3" })),
  );
  fillAgentChoices(tr);
  return tr;
}

function fillAgentChoices(tr) {
  // a row's choices of the team's zones (for hires) and agents (for leavers), kept where still there
  const agents = state.agents || [];
  const teamTz = state.teams.find((t) => t.id === state.team)?.tz;
  const zones = [...new Set([teamTz, ...agents.map((a) => a.tz)].filter(Boolean))].sort();
  const zone = tr.querySelector("[name=hire_tz]");
  const keepZone = zone.value || teamTz;
  zone.replaceChildren(...zones.map((z) => el("option", { value: z, text: z })));
  if (zones.includes(keepZone)) zone.value = keepZone;
  const leavers = tr.querySelector("[name=leavers]");
  const chosen = new Set([...leavers.selectedOptions].map((o) => o.value));
  leavers.replaceChildren(...agents.map((a) => el("option", { value: a.id, text: `${a.name} (${a.tz})`, selected: chosen.has(a.id) })));
}

async function loadScenarioAgents() {
  // the team's agents, for the hires' zones and the leavers of each scenario row
  const team = state.team;
  const agents = team ? await api(teamPath("/agents")) : [];
  if (team !== state.team) return;
  state.agents = agents;
  for (const tr of $("scenario-rows").tBodies[0].rows) fillAgentChoices(tr);
}

async function runScenarios() {
  const scenarios = [...$("scenario-rows").tBodies[0].rows].map((tr) => {
    const get = (n) => tr.querySelector(`[name=${n}]`).value;
    const changes = [];
    if (get("volume") && Number(get("volume")) !== 1) changes.push({ kind: "volume", multiplier: Number(get("volume")) });
    if (get("aht") && Number(get("aht")) !== 1) changes.push({ kind: "aht", multiplier: Number(get("aht")) });
    if (get("shrinkage") !== "") changes.push({ kind: "shrinkage", shrinkage: Number(get("shrinkage")) / 100 });
    if (get("agents")) changes.push({ kind: "headcount", agents: Number(get("agents")) });
    if (Number(get("hires")) > 0) {
      const hours = Number(get("hire_hours"));
      const skills = [...new Set((state.agents || []).flatMap((a) => a.skills))];
      changes.push({ kind: "add_agents", count: Number(get("hires")), tz: get("hire_tz"), skills, min_hours_per_week: hours, max_hours_per_week: hours });
    }
    const leavers = [...tr.querySelector("[name=leavers]").selectedOptions].map((o) => o.value);
    if (leavers.length) changes.push({ kind: "remove_agents", agent_ids: leavers });
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
        await sleep(POLL_MS);
        out = await api(`/jobs/${out.id}`);
      }
      if (out.state !== "succeeded") throw new ApiError(422, out.error || { title: `scenario job ${out.state}` });
      out = await api(`/scenarios/${out.scenario_id}`);
    }
    await drawScenarios(out.rows, body.roster_version);
  } catch (err) {
    box.replaceChildren(errorList(err));
  }
}

function howMeasured(row, version) {
  // each row says how its figures were found: the roster in force measured, or a new roster
  if (row.depth === "reroster") return `re-rostered: a new roster for this scenario${row.roster_status ? ` (${row.roster_status.toLowerCase()})` : ""}`;
  return version ? `measured on roster v${version} as it is` : "measured on the roster in force";
}

function coverageWeekLevel() {
  // the Coverage tab's expected service level for the week, all queues, volume-weighted
  let weighted = 0;
  let volume = 0;
  for (const q of state.coverage?.queues || []) for (const d of q.daily) if (d.service_level !== null) { weighted += d.service_level * d.volume; volume += d.volume; }
  return volume ? weighted / volume : null;
}

function plotlyText(text) {
  // plotly reads <b>, <br> and %{…} in names and hover templates: a scenario's name is text, not markup
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/%/g, "&#37;");
}

function lowestQueue(row) {
  // the queue with the lowest service level: all queues together can hide a quiet one left short
  const levels = Object.entries(row.by_queue || {}).filter(([, q]) => q.service_level !== null && q.service_level !== undefined);
  if (!levels.length) return "–";
  const [queue, figures] = levels.reduce((a, b) => (b[1].service_level < a[1].service_level ? b : a));
  return `${queue} ${pct(figures.service_level)}`;
}

async function drawScenarios(rows, version) {
  const columns = [
    ["service_level", "service level, all queues", pct],
    [null, "lowest queue", lowestQueue],
    ["asa_s", "ASA (s)", (v) => fmt(v, 1)],
    ["understaffed_agent_hours", "under-staffed agent-h", (v) => fmt(v, 1)],
    ["paid_hours", "paid hours", (v) => fmt(v, 1)],
    ["cost", "cost", (v) => fmt(v, 0)],
    ["headcount", "agents", (v) => fmt(v)],
    ["required_headcount", "agents needed", (v) => fmt(v, 1)],
  ];
  const table = el("table", { class: "data", id: "scenario-table" });
  table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "scenario" }), el("th", { scope: "col", text: "how" }), ...columns.map(([, h]) => el("th", { scope: "col", text: h })))));
  table.append(el("tbody", {}, ...rows.map((r) => el("tr", {},
    el("th", { scope: "row", text: r.scenario }),
    el("td", { class: "how", text: howMeasured(r, version) }),
    ...columns.map(([k, , f]) => el("td", { class: "num", text: k === null ? f(r) : f(r[k]) }))))));
  const notes = [];
  const base = rows[0];
  const coverageLevel = coverageWeekLevel();
  if (base && base.depth === "staffing" && base.service_level !== null && coverageLevel !== null && Math.abs(base.service_level - coverageLevel) > 0.005) {
    notes.push(`The base row gives ${pct(base.service_level)} for roster v${version}, the Coverage tab ${pct(coverageLevel)} for the same roster: the scenarios measure it with the staffing model on the requirements' volume and handle time (every queue, shrinkage taken off the agents on shift), the Coverage tab with the roster's own report (agents on each queue, interval by interval). Compare scenarios with each other and with the base row, not with the Coverage tab.`);
  }
  // a note every row has (nothing measured without a roster) once, the others with their scenario
  const shared = rows.length > 1 ? (rows[0].notes || []).filter((n) => rows.every((r) => (r.notes || []).includes(n))) : [];
  for (const n of shared) notes.push(`Every row: ${n}`);
  for (const r of rows) for (const n of r.notes || []) if (!shared.includes(n)) notes.push(`${r.scenario}: ${n}`);
  $("scenario-result").replaceChildren(el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Scenario results (scrolls)" }, table), ...notes.map((n) => el("p", { class: "help scenario-note", text: n })));
  const priced = rows.filter((r) => r.cost !== null && r.service_level !== null);
  if (!priced.length) return;
  const Plotly = await loadPlotly();
  const symbols = ["diamond", "circle", "square", "triangle-up", "x", "star", "cross", "pentagon"];
  // one trace per scenario, named in the legend: no labels written over each other on the chart
  await Plotly.react("scenario-chart", priced.map((r, i) => ({
    x: [r.cost], y: [100 * r.service_level], name: plotlyText(r.scenario), mode: "markers", type: "scatter",
    marker: { size: 12, symbol: symbols[i % symbols.length] },
    hovertemplate: `${plotlyText(r.scenario)}<br>cost %{x:,.0f}<br>service level %{y:.1f} %<extra></extra>`,
  })), { height: 340, margin: { t: 10, r: 10, b: 50, l: 60 }, xaxis: { title: { text: "cost of the week" } }, yaxis: { title: { text: "service level (%)" } }, legend: { orientation: "h", y: -0.3 } },
  { responsive: true, displaylogo: false });
}

// ---------------------------------------------------------------- tabs

const TABS = ["roster", "day", "coverage", "solve", "compare", "availability", "scenarios", "setup"];

async function selectTab(name) {
  for (const t of TABS) {
    const tab = $(`tab-${t}`);
    const on = t === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (name === "coverage") await drawCoverage();
  if (name === "day") await loadDay();
  if (name === "setup") await loadSetup();
  if (name === "availability") await Promise.all([loadChannelMap(), loadAvailabilityChanges()]);
  if (name === "scenarios") await loadScenarioAgents();
  if (name === "compare" && $("compare-base").value && $("compare-other").value && $("compare-base").value !== $("compare-other").value) {
    await compareVersions(); // what changes, before anything is published
  }
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

function leaveSettings() {
  // unsaved edits in the Team settings form are asked about before they are dropped (another team
  // picked, signing out); true: go on
  if (!state.settingsEdited || !state.settings) return true;
  if (!window.confirm(`Your changes to ${state.settings.name}'s team settings are not saved. Leave them unsaved?`)) return false;
  state.settingsEdited = false;
  return true;
}

function signOut() {
  if (!leaveSettings()) return;
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
  $("team").addEventListener("change", guard(async () => {
    if ($("team").value === state.team) return; // the same team again: nothing to load
    if (!leaveSettings()) {
      $("team").value = state.team; // stay, with the lead's typing as it was
      return;
    }
    state.team = $("team").value;
    await loadTeam();
  }));
  $("version").addEventListener("change", guard(() => selectVersion($("version").value)));
  for (const radio of document.querySelectorAll("input[name=zone]")) radio.addEventListener("change", guard(loadGrid));
  for (const t of TABS) $(`tab-${t}`).addEventListener("click", guard(() => selectTab(t)));
  $("tabs").addEventListener("keydown", tabKeys);
  $("coverage-queue").addEventListener("change", guard(drawCoverage));
  $("day-date").addEventListener("change", guard(loadDay));
  $("shift-form").addEventListener("submit", (event) => {
    const action = event.submitter?.value;
    if (action && action !== "cancel") {
      event.preventDefault();
      onShiftAction(action);
    }
  });
  // an error shown for the form's last input goes once the input changes
  for (const kind of ["input", "change"]) $("solve-form").addEventListener(kind, () => $("solve-error").replaceChildren());
  $("solve-requirements").addEventListener("change", guard(() => fillSolveWeek()));
  $("solve-requirements").addEventListener("change", guard(() => ($("demand").open ? showDemand($("solve-requirements").value, $("demand-table-box")) : undefined)));
  $("demand").addEventListener("toggle", guard(() => ($("demand").open && $("solve-requirements").value ? showDemand($("solve-requirements").value, $("demand-table-box")) : undefined)));
  for (const kind of ["input", "change"]) $("solve-limit").addEventListener(kind, showRerosterLimit);
  $("job-show-roster").addEventListener("click", guard(async () => {
    await selectTab("roster");
    $("tab-roster").focus();
  }));
  $("solve-form").addEventListener("submit", guard(async () => {
    $("solve-error").replaceChildren();
    try {
      await startJob({ week: $("solve-week").value, requirements_id: Number($("solve-requirements").value), time_limit_s: Number($("solve-limit").value) });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 401) throw err;
      $("solve-error").replaceChildren(el("p", { text: "The solve was not started." }), errorList(err));
      say("");
    }
  }));
  $("reroster").addEventListener("click", guard(async () => {
    if (state.version === null) return; // no roster shown: nothing to re-roster (the button is disabled)
    await startJob(rerosterBody(state.version));
  }));
  $("job-cancel").addEventListener("click", guard(async () => showJob(await api(`/jobs/${state.job}/cancel`, { method: "POST" }))));
  $("compare-form").addEventListener("submit", guard(compareVersions));
  $("compare-base").addEventListener("change", () => {
    fitCompareOther();
    showPublishState();
  });
  $("compare-other").addEventListener("change", showPublishState);
  $("publish").addEventListener("click", guard(confirmPublish));
  $("publish-form").addEventListener("submit", (event) => {
    if (event.submitter?.value === "publish") {
      event.preventDefault();
      $("publish-dialog").close();
      guard(() => publish($("publish-dialog").dataset.number))();
    }
  });
  for (const button of document.querySelectorAll("[data-download]")) button.addEventListener("click", guard(() => download(button.dataset.download)));
  $("download-ics").addEventListener("click", guard(() => {
    const agent = $("ics-agent").value;
    return download(agent === ALL_CALENDARS ? "calendars.zip" : `calendars/${encodeURIComponent(agent)}.ics`);
  }));
  $("import-form").addEventListener("submit", guard(() => checkImport(false)));
  $("import-file").addEventListener("change", () => { $("import-commit").disabled = true; $("import-report").replaceChildren(); forgetSheets("import"); });
  $("import-commit").addEventListener("click", guard(() => checkImport(true)));
  $("tickets-form").addEventListener("submit", guard(() => importTickets()));
  $("tickets-file").addEventListener("change", () => forgetSheets("tickets"));
  $("tickets-map-add").addEventListener("click", guard(async () => {
    await loadChannelMap();
    const row = mappingRow(await teamQueues());
    $("tickets-mapping").append(row);
    row.querySelector("input").focus();
  }));
  $("team-form").addEventListener("submit", guard(createTeam));
  $("team-settings-form").addEventListener("submit", guard(saveTeamSettings));
  for (const kind of ["input", "change"]) $("team-settings-form").addEventListener(kind, () => { state.settingsEdited = true; });
  window.addEventListener("beforeunload", (event) => {
    if (state.settingsEdited) event.preventDefault(); // the browser asks before the typing is lost
  });
  $("requirements-form").addEventListener("submit", guard(uploadRequirements));
  $("forecast-form").addEventListener("submit", guard(forecastRequirements));
  $("history-delete").addEventListener("click", confirmHistoryDelete);
  $("history-delete-form").addEventListener("submit", (event) => {
    if (event.submitter?.value === "delete") {
      event.preventDefault();
      $("history-dialog").close();
      guard(() => deleteHistory($("history-dialog").dataset.id))();
    }
  });
  const rows = $("scenario-rows").tBodies[0];
  // the base plan is always the first row of the comparison; these are changes against it
  rows.append(scenarioRow("volume +10 %", "1.1"), scenarioRow("volume −10 %", "0.9"), scenarioRow("volume +25 %", "1.25"));
  $("scenario-add").addEventListener("click", () => rows.append(scenarioRow(`scenario ${rows.rows.length + 1}`)));
  $("scenario-form").addEventListener("submit", guard(runScenarios));
  if (state.token) signIn(state.token).catch(() => signOut());
}

wire();
