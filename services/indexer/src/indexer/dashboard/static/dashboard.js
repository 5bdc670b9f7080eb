// The officials' dashboard: every figure comes from the indexer's own APIs with the signed-in caller's token,
// so a district authority sees what its role may see (its own unit's details; the shared ranking).
"use strict";

const STAGES = {
  diagnosis: "诊断评估", strategy: "战略规划", design: "方案设计", implementation: "项目实施",
  policy: "优惠政策申报", evaluation: "成效评估", promotion: "宣传推广", operation: "运维迭代",
};
const LEVELS = ["未达一级", "一级", "二级", "三级", "四级"];
const charts = {};
const $ = (id) => document.getElementById(id);

function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch (e) {
    return null;
  }
}

async function api(path) {
  const token = sessionStorage.getItem("token");
  const answer = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (answer.status === 401) {
    signOut("令牌已失效，请重新登录");
    throw new Error("unauthorised");
  }
  if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
  return answer.json();
}

function signOut(message) {
  sessionStorage.removeItem("token");
  delete document.body.dataset.loaded;
  $("board").hidden = true;
  $("signin").hidden = false;
  $("signout").hidden = true;
  $("who").textContent = "";
  $("signin_error").textContent = message || "";
}

function chart(id, config) {
  if (charts[id]) charts[id].destroy();
  charts[id] = new Chart($(id), { ...config, options: { animation: false, responsive: true, ...config.options } });
  return charts[id];
}

function format(value, unit) {
  if (value === null || value === undefined) return "—";
  return unit === "%" ? `${value}%` : Number(value).toLocaleString("zh-CN");
}

function renderTargets(targets) {
  $("year").textContent = targets.year;
  const rows = targets.targets.map((t) => {
    const share = t.value !== null && t.target ? Math.min(100, (100 * t.value) / t.target) : 0;
    const bar = t.target ? `<div class="bar"><span class="${t.reached ? "done" : ""}" style="width:${share}%"></span></div>` : "";
    return `<tr data-indicator="${t.indicator}"><td>${t.name}</td><td>${format(t.target, t.unit)} ${t.unit === "%" ? "" : t.unit}</td>` +
      `<td class="value">${format(t.value, t.unit)}</td><td>${bar}${t.value === null ? "暂无数据来源" : ""}</td></tr>`;
  });
  document.querySelector("#targets tbody").innerHTML = rows.join("");
}

function renderRanking(index, ownUnit) {
  const rows = index.rows.filter((r) => r.enterprises >= 3);
  chart("ranking", {
    type: "bar",
    data: {
      labels: rows.map((r) => `${r.rank}. ${r.district_name}`),
      datasets: [{
        label: `发展指数（${index.period}${index.published ? "，已发布" : "，实时"}）`,
        data: rows.map((r) => r.value),
        backgroundColor: rows.map((r) => (r.district_code === ownUnit ? "#e07b24" : "#2f7bd1")),
      }],
    },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } },
  });
  $("index_note").textContent = `方法版本 v${index.methodology_version}；企业数少于3家的区县不参与排名。`;
}

function renderLevels(levels, ownUnit) {
  const scope = ownUnit ? levels.districts.find((d) => d.district_code === ownUnit) : null;
  const counts = [0, 0, 0, 0, 0];
  for (const d of scope ? [scope] : levels.districts) {
    for (let i = 0; i < 5; i++) counts[i] += d.by_level[String(i)] || 0;
  }
  $("levels_scope").textContent = scope ? `（${scope.district_name}）` : "（全市）";
  chart("levels", {
    type: "bar",
    data: { labels: LEVELS, datasets: [{ label: "企业数", data: counts, backgroundColor: "#2f7bd1" }] },
  });
}

function renderStages(projects, ownUnit) {
  const per = Object.fromEntries(Object.keys(STAGES).map((s) => [s, 0]));
  for (const row of projects.districts) {
    if (!ownUnit || row.district_code === ownUnit) per[row.stage] += row.projects;
  }
  $("stages_scope").textContent = ownUnit ? "（本区县）" : "（全市）";
  chart("stages", {
    type: "bar",
    data: {
      labels: Object.values(STAGES),
      datasets: [{ label: "项目数", data: Object.values(per), backgroundColor: "#5a9e6f" }],
    },
  });
}

function renderTotals(aggregates, page) {
  const changes = page.items;
  const t = aggregates.totals;
  const items = [
    ["登记企业", t.enterprises], ["完成评测", t.assessed], ["二级及以上", t.level_2_plus],
    ["开展转型", t.transformed], ["采用方案", t.adopted], ["上云用云", t.cloud],
    ["获得贷款", t.with_loans], ["获得奖补", t.with_subsidies],
  ];
  $("totals").innerHTML = items.map(([k, v]) => `<dt>${k}</dt><dd data-total="${k}">${format(v)}</dd>`).join("");
  $("totals_scope").textContent = aggregates.district_code ? `（${aggregates.district_code}）` : "（全市）";
  const rose = changes.filter((c) => c.level_delta > 0).length;
  $("changes").textContent = `改造前后（T0→T1）已测 ${page.total} 个项目，最近 ${changes.length} 个中 ${rose} 个水平提升。`;
}

async function load() {
  const token = sessionStorage.getItem("token");
  const who = claims(token) || {};
  const ownUnit = who.role === "district" ? (who.districts || [])[0] : null;
  $("who").textContent = ownUnit ? `区县主管部门 ${ownUnit}` : who.role === "city" ? "市经济信息委" : who.role || "";
  $("signin").hidden = true;
  $("board").hidden = false;
  $("signout").hidden = false;
  const [targets, index, levels, projects, aggregates, changes] = await Promise.all([
    api(`/v1/targets?year=${new Date().getFullYear()}`), api("/v1/index"), api("/v1/stats/levels"),
    api("/v1/stats/projects"), api("/v1/aggregates?cells=false"), api("/v1/known-level-changes?limit=500"),
  ]);
  renderTargets(targets);
  renderRanking(index, ownUnit);
  renderLevels(levels, ownUnit);
  renderStages(projects, ownUnit);
  renderTotals(aggregates, changes);
  document.body.dataset.loaded = "true";
}

$("token_url").value = `${location.protocol}//${location.hostname}:8001/v1/oauth/token`;
$("credentials").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  const basic = btoa(`${$("client_id").value}:${$("client_secret").value}`);
  try {
    const answer = await fetch($("token_url").value, { method: "POST", body, headers: { Authorization: `Basic ${basic}` } });
    if (!answer.ok) throw new Error("登录失败：凭证无效");
    sessionStorage.setItem("token", (await answer.json()).access_token);
    await load();
  } catch (e) {
    signOut(e.message.startsWith("登录") ? e.message : `登录失败：${e.message}`);
  }
});
$("tokenform").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem("token", $("token").value.trim());
  try {
    await load();
  } catch (e) {
    if (sessionStorage.getItem("token")) signOut(`无法读取数据：${e.message}`);
  }
});
$("signout").addEventListener("click", () => signOut());
if (sessionStorage.getItem("token")) load().catch((e) => signOut(`无法读取数据：${e.message}`));
