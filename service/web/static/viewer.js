// The network viewer: one view of the graph at a time, fetched from
// /export?format=cytoscape with the chosen view and city, drawn by the
// vendored Cytoscape.js with the fCoSE layout. Everything it shows is in the
// export itself (labels, roles, weights, quotes), so what one sees is what
// one downloads.
//
// - The layout is seeded: the same view and city give the same picture on
//   every load (fCoSE's random start is drawn from a PRNG seeded by them).
// - Fill is the node's kind, its ring the strongest role it holds, its size
//   its weighted degree (centrality); edge colour is the role, width the weight.
// - Ties can be filtered by role and basis; a node can be found by name.
"use strict";

const KINDS = {
  organization: ["#3b6fd6", "government body"], institution: ["#e08a1e", "institution"],
  measure: ["#b7bec7", "measure"], city: ["#c2374a", "city"], measureType: ["#2e9d6a", "measure type"],
  industry: ["#7a52c7", "industry"],
};
const ROLES = {
  LEAD: ["#c2374a", "leads (牵头)"], RESPONSIBLE: ["#3b6fd6", "responsible (责任)"],
  COOPERATING: ["#56b4e9", "cooperates (配合)"], SUPERVISING: ["#7a52c7", "supervises (考核/督办)"],
  INVOLVED: ["#e08a1e", "named in the measure"], PARTNER: ["#8c96a3", "share measures"],
  ADOPTS: ["#2e9d6a", "has measures of the type"], SIMILAR: ["#c2374a", "share measure types"],
};
const ROLE_ORDER = ["LEAD", "RESPONSIBLE", "COOPERATING", "SUPERVISING", "INVOLVED"];
const BASES = { EXPLICIT: "explicit (named for the measure)", INHERITED: "inherited (parent, annex, issuer)" };
// node fields shown in the details panel, in this order, when present
const FIELDS = [
  ["kind", "kind"], ["category", "category"], ["city", "city"], ["code", "code"], ["document", "document"],
  ["lead", "leads"], ["responsible", "responsible for"], ["cooperating", "cooperates on"],
  ["centralityRank", "centrality rank"], ["strength", "strength"], ["degreeCentrality", "degree centrality"],
  ["betweenness", "betweenness"], ["community", "community"], ["measureTypes", "measure types"],
];
const FIRST_QUOTES = 12;  // the rest on demand
const HUBS = 8;  // the most central nodes keep a larger label, read in an overview too

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// nodes + edges the page will lay out; a larger view (a whole province, all cities) is refused
// by /export before it is sent, and the page says to narrow it or download it
const MAX_DRAWN = Number(params.get("maxElements")) || 5000;
let cy = null;
let summary = "";

function setState(state, text) {
  document.body.dataset.state = state;
  if (text !== undefined) $("status").textContent = text;
}

function query(format) {
  const q = new URLSearchParams();
  if (format) q.set("format", format);
  q.set("view", $("view").value);
  if ($("city").value) q.set("city", $("city").value);
  if ($("inherited").checked) q.set("inherited", "1");
  return q;
}

function exportUrl(format) { return "/export?" + query(format).toString(); }

function label(d) { return ($("english").checked ? d.labelEn : d.label) || d.label || d.id; }

// -- a seeded layout --------------------------------------------------------------------

function seeded(seed) {  // mulberry32: small, fast, good enough for a layout's start
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function runLayout(seedText) {
  const weights = cy.edges().map((e) => e.data("weight") || 1);
  const maxW = Math.max(1, ...weights);
  const layout = cy.layout({
    name: "fcose", quality: "proof", randomize: true, animate: false, fit: false,
    nodeDimensionsIncludeLabels: false, packComponents: true, tile: true,
    nodeRepulsion: () => 30000, numIter: 2500, gravity: 0.15, gravityRange: 3.8, nodeSeparation: 90,
    // heavier ties pull closer: weighted views read as clusters
    idealEdgeLength: (e) => 70 + 110 * (1 - (e.data("weight") || 1) / maxW),
    edgeElasticity: (e) => 0.1 + 0.4 * ((e.data("weight") || 1) / maxW),
  });
  const random = Math.random;
  Math.random = seeded(hash(seedText));  // fCoSE's only source of randomness
  try { layout.run(); } finally { Math.random = random; }
}

// -- style: kind, role, centrality ----------------------------------------------------------

function makeCy() {
  return cytoscape({
    container: $("cy"),
    style: [
      { selector: "node", style: {
          "background-color": (n) => (KINDS[n.data("kind")] || ["#666"])[0],
          "border-color": (n) => (ROLES[n.data("role")] || ["#fff"])[0],
          "border-width": (n) => (n.data("role") ? 3 : 1),
          "label": "data(display)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 2,
          "text-wrap": "wrap", "text-max-width": 150, "text-overflow-wrap": "anywhere",
          "min-zoomed-font-size": 7, "color": "#222",
          "text-background-color": "#fff", "text-background-opacity": 0.7, "text-background-padding": 1,
          "width": "data(size)", "height": "data(size)" } },
      // a measure's label is its code and title, whole: shown once zoomed in far enough to read it
      { selector: "node[kind = 'measure']", style: { "font-size": 5, "shape": "round-rectangle",
                                                     "text-max-width": 110 } },
      { selector: "node.hub", style: { "font-size": 15, "font-weight": "bold", "z-index": 10 } },
      { selector: "node:selected", style: { "border-width": 5, "border-color": "#111" } },
      { selector: "edge", style: {
          "width": "data(width)", "line-color": (e) => (ROLES[e.data("role")] || ["#b8c0cc"])[0],
          "opacity": 0.55, "curve-style": "bezier" } },
      { selector: "edge[basis = 'INHERITED']", style: { "line-style": "dashed" } },
      { selector: "edge:selected", style: { "opacity": 1, "line-color": "#111" } },
      { selector: ".filtered", style: { "display": "none" } },
    ],
  });
}

function nodeRole(n) {
  // the strongest role the node holds: from its ties, or (co-responsibility) its own counts
  const held = new Set(n.connectedEdges().map((e) => e.data("role")));
  const d = n.data();
  if (d.lead > 0) held.add("LEAD");
  if (d.responsible > 0) held.add("RESPONSIBLE");
  if (d.cooperating > 0) held.add("COOPERATING");
  if (d.kind !== "organization" && d.kind !== "institution") return undefined;
  return ROLE_ORDER.find((r) => held.has(r));
}

function decorate() {
  const strength = (n) => n.connectedEdges().reduce((s, e) => s + (e.data("weight") || 1), 0);
  const maxS = Math.max(1, ...cy.nodes().map(strength));
  cy.nodes().forEach((n) => {
    n.data("size", 12 + 40 * Math.sqrt(strength(n) / maxS));
    n.data("display", label(n.data()));
    n.data("role", nodeRole(n));
  });
  cy.nodes("[kind != 'measure']").sort((a, b) => strength(b) - strength(a)).slice(0, HUBS).addClass("hub");
  const maxW = Math.max(1, ...cy.edges().map((e) => e.data("weight") || 1));
  cy.edges().forEach((e) => {
    const w = e.data("weight");
    e.data("width", w === undefined ? 1.5 : 1 + 7 * (w / maxW));  // only aggregating views have weights
  });
}

// -- legend and filters ------------------------------------------------------------------------

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;  // text only: quotes are data, never markup
  return e;
}

function swatch(colour, shape) {
  const s = el("i", { class: "swatch " + shape });
  s.style.backgroundColor = colour;  // CSSOM, not an inline style attribute: allowed by the CSP
  return s;
}

function counts(values) {
  const out = new Map();
  values.forEach((v) => { if (v) out.set(v, (out.get(v) || 0) + 1); });
  return out;
}

function buildControls() {
  const roles = counts(cy.edges().map((e) => e.data("role")));
  const bases = counts(cy.edges().map((e) => e.data("basis")));
  const box = (kind, value, text, n, colour) => {
    const input = el("input", { type: "checkbox", "data-kind": kind, value });
    input.checked = true;
    input.addEventListener("change", applyFilters);
    const lab = el("label", { class: "filter" });
    lab.append(input, colour ? swatch(colour, "line") : "", document.createTextNode(` ${text} (${n})`));
    return lab;
  };
  $("roles").replaceChildren(...[...roles].map(([r, n]) => box("role", r, (ROLES[r] || [0, r])[1] + " · " + r, n,
                                                               (ROLES[r] || ["#b8c0cc"])[0])));
  $("bases").replaceChildren(...[...bases].map(([b, n]) => box("basis", b, BASES[b] || b, n)));
  const legend = $("legend");
  legend.replaceChildren();
  const kinds = counts(cy.nodes().map((n) => n.data("kind")));
  for (const [k, n] of kinds) {
    const row = el("div", { class: "entry", "data-kind": k });
    row.append(swatch((KINDS[k] || ["#666"])[0], "dot"), document.createTextNode(` ${(KINDS[k] || [0, k])[1]} (${n})`));
    legend.append(row);
  }
  const held = counts(cy.nodes().map((n) => n.data("role")));
  for (const r of ROLE_ORDER.filter((r) => held.has(r))) {
    const row = el("div", { class: "entry ring", "data-role": r });
    const ring = swatch("#fff", "dot");
    ring.style.borderColor = ROLES[r][0];
    row.append(ring, document.createTextNode(` ring: ${ROLES[r][1]} (${held.get(r)})`));
    legend.append(row);
  }
  const notes = ["size: weighted degree (centrality in this view)"];
  if (cy.edges().some((e) => e.data("weight") !== undefined)) notes.push("edge width: weight");
  if (bases.has("INHERITED")) notes.push("dashed: inherited");
  notes.forEach((t) => legend.append(el("div", { class: "note" }, t)));
}

function checked(kind) {
  return new Set([...document.querySelectorAll(`#side input[data-kind='${kind}']`)]
    .filter((i) => i.checked).map((i) => i.value));
}

function applyFilters() {
  const roles = checked("role");
  const bases = checked("basis");
  cy.batch(() => {
    cy.elements().removeClass("filtered");
    cy.edges().forEach((e) => {
      const r = e.data("role"), b = e.data("basis");
      if ((r && !roles.has(r)) || (b && !bases.has(b))) e.addClass("filtered");
    });
    // a node whose every tie is hidden goes too
    cy.nodes().forEach((n) => {
      const ties = n.connectedEdges();
      if (ties.length && ties.every((e) => e.hasClass("filtered"))) n.addClass("filtered");
    });
  });
  const nodes = cy.nodes(":visible").length, edges = cy.edges(":visible").length;
  const total = cy.nodes().length + cy.edges().length;
  setState("ready", nodes + edges === total ? summary
                                            : `${nodes} of ${cy.nodes().length} nodes, ${edges} of `
                                              + `${cy.edges().length} edges shown · ${summary}`);
}

// -- finding a node ------------------------------------------------------------------------------

function fillNames() {
  const names = new Set();
  cy.nodes().forEach((n) => { names.add(n.data("label")); if (n.data("labelEn")) names.add(n.data("labelEn")); });
  $("names").replaceChildren(...[...names].sort().map((v) => el("option", { value: v })));
}

function find(text) {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  const nodes = cy.nodes().toArray();
  const names = (n) => [n.data("label"), n.data("labelEn")].filter(Boolean).map((s) => s.toLowerCase());
  return nodes.find((n) => names(n).includes(q)) || nodes.find((n) => names(n).some((s) => s.includes(q))) || null;
}

function focus(node) {
  cy.elements().unselect();
  node.removeClass("filtered");
  node.select();
  cy.zoom({ level: Math.max(cy.zoom(), 1.5), position: node.position() });
  cy.center(node);
  showDetails(node);
}

function search() {
  const text = $("search").value;
  const node = find(text);
  if (node) focus(node);
  else if (text.trim()) setState("ready", `no node named “${text.trim()}” in this view · ${summary}`);
}

// -- the view ----------------------------------------------------------------------------------

async function show() {
  setState("loading", "loading…");
  $("download").href = exportUrl($("format").value);
  history.replaceState(null, "", "?" + query(null).toString());  // a view can be bookmarked
  const response = await fetch(exportUrl("cytoscape") + "&maxElements=" + MAX_DRAWN);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    setState("error", body.error || `export failed: HTTP ${response.status}`);
    return;
  }
  const doc = await response.json();
  cy.elements().remove();
  cy.add(doc.elements);
  decorate();
  buildControls();
  fillNames();
  $("details").replaceChildren(el("p", { class: "hint" },
    "Click a node (or find one by name) to see what it is and the source text behind its ties."));
  runLayout(query(null).toString());
  cy.fit(undefined, 20);
  summary = `${cy.nodes().length} nodes, ${cy.edges().length} edges · ${doc.data.filters}`;
  setState("ready", summary);
}

function quoteBlock(citeText, text, passage) {
  const q = el("blockquote", { class: "quote" });
  q.append(el("cite", {}, citeText), document.createTextNode(text));
  if (passage && passage !== text) q.append(el("span", { class: "passage" }, "in: " + passage));
  return q;
}

function showDetails(node) {
  const d = node.data();
  const panel = $("details");
  panel.replaceChildren();
  panel.dataset.id = d.id;
  panel.append(el("h2", {}, d.label), el("p", { class: "en" }, d.labelEn));
  const dl = el("dl");
  for (const [key, name] of FIELDS) {
    if (d[key] !== undefined && d[key] !== "") dl.append(el("dt", {}, name), el("dd", {}, String(d[key])));
  }
  dl.append(el("dt", {}, "IRI"), el("dd", {}, d.id));
  panel.append(dl);

  const quotes = [];
  if (d.quote) quotes.push([d.document || "source", d.quote]);
  node.connectedEdges().sort((a, b) => (b.data("weight") || 1) - (a.data("weight") || 1)).forEach((e) => {
    const other = e.source().id() === d.id ? e.target() : e.source();
    const e_ = e.data();
    const what = [e_.relation, e_.role, e_.basis, e_.weight !== undefined ? `×${e_.weight}` : ""]
      .filter(Boolean).join(" ");
    const where = e_.quoteStart !== undefined ? `${e_.document} ${e_.quoteStart}–${e_.quoteEnd}` : (e_.document || "");
    if (e_.quote) quotes.push([`${what} · ${other.data("label")} · ${where}`, e_.quote, e_.passage]);
    else if (e_.shared) quotes.push([`${what} · ${other.data("label")} · shared measure types`, e_.shared]);
  });
  panel.append(el("h3", {}, quotes.length ? `Source quotes (${quotes.length})` : "No source quotes in this view"));
  const list = el("div", { class: "quotes" });
  panel.append(list);
  quotes.slice(0, FIRST_QUOTES).forEach((q) => list.append(quoteBlock(...q)));
  if (quotes.length > FIRST_QUOTES) {
    const more = el("button", { type: "button", id: "more-quotes" }, `Show all ${quotes.length} quotes`);
    more.addEventListener("click", () => {
      quotes.slice(FIRST_QUOTES).forEach((q) => list.append(quoteBlock(...q)));
      more.remove();
    });
    panel.append(more);
  }
}

async function graphql(text, variables) {
  const r = await fetch("/graphql", { method: "POST", headers: { "Content-Type": "application/json" },
                                      body: JSON.stringify({ query: text, variables }) });
  return r.json();
}

async function loadCities() {
  const body = await graphql("{ cities { shortName nameEn } }");
  for (const c of (body.data && body.data.cities) || []) {
    $("city").append(el("option", { value: c.shortName }, `${c.shortName} ${c.nameEn}`));
  }
}

// ?city= takes every form of a name (Xuchang, 许昌, 许昌市, 411000, 許昌): the server resolves it
async function chooseCity(name) {
  const body = await graphql("query($n: String!) { city(name: $n) { shortName nameEn } }", { n: name });
  const city = body.data && body.data.city;
  if (!city) throw new Error((body.errors && body.errors[0].message) || `no city ${name}`);
  if (![...$("city").options].some((o) => o.value === city.shortName)) {
    $("city").append(el("option", { value: city.shortName }, `${city.shortName} ${city.nameEn}`));
  }
  $("city").value = city.shortName;
}

async function main() {
  cy = makeCy();
  window.cy = cy;  // for the browser test and the curious
  cy.on("tap", "node", (evt) => showDetails(evt.target));
  try { await loadCities(); } catch (e) { /* the page still works for all cities */ }
  if (params.get("view")) $("view").value = params.get("view");
  $("inherited").checked = ["1", "true"].includes(params.get("inherited"));
  if (params.get("city")) {
    try { await chooseCity(params.get("city")); } catch (e) { setState("error", e.message); return; }
  }
  for (const id of ["view", "city", "inherited"]) $(id).addEventListener("change", show);
  $("format").addEventListener("change", () => { $("download").href = exportUrl($("format").value); });
  $("english").addEventListener("change", () => cy.nodes().forEach((n) => n.data("display", label(n.data()))));
  $("search").addEventListener("change", search);
  $("search").addEventListener("keydown", (e) => { if (e.key === "Enter") search(); });
  await show();
}

main().catch((e) => setState("error", String(e)));
