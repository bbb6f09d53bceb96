// The network viewer: one view of the graph at a time, fetched from
// /export?format=cytoscape with the chosen view and city, drawn by the
// vendored Cytoscape.js. Everything it shows is in the export itself (labels,
// roles, weights, quotes), so what one sees is what one downloads.
"use strict";

const KIND_COLOURS = {
  organization: "#3b6fd6", institution: "#e08a1e", measure: "#9aa3ad",
  city: "#c2374a", measureType: "#2e9d6a", industry: "#7a52c7",
};
const ROLE_COLOURS = { LEAD: "#c2374a", RESPONSIBLE: "#3b6fd6", COOPERATING: "#9aa3ad", INVOLVED: "#e08a1e" };
// node fields shown in the details panel, in this order, when present
const FIELDS = [
  ["kind", "kind"], ["category", "category"], ["city", "city"], ["code", "code"], ["document", "document"],
  ["lead", "leads"], ["responsible", "responsible for"], ["cooperating", "cooperates on"],
  ["centralityRank", "centrality rank"], ["strength", "strength"], ["degreeCentrality", "degree centrality"],
  ["betweenness", "betweenness"], ["community", "community"], ["measureTypes", "measure types"],
];
const MAX_QUOTES = 12;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// nodes + edges the page will lay out; a larger view (a whole province, all cities) is refused
// by /export before it is sent, and the page says to narrow it or download it
const MAX_DRAWN = Number(params.get("maxElements")) || 5000;
let cy = null;

function setState(state, text) {
  document.body.dataset.state = state;
  if (text !== undefined) $("status").textContent = text;
}

function query(format) {
  const q = new URLSearchParams();
  if (format) q.set("format", format);
  q.set("view", $("view").value);
  if ($("city").value) q.set("city", $("city").value);
  return q;
}

function exportUrl(format) { return "/export?" + query(format).toString(); }

function shortLabel(d) {
  const text = ($("english").checked ? d.labelEn : d.label) || d.id;
  return text.length > 18 ? text.slice(0, 17) + "…" : text;
}

function makeCy() {
  return cytoscape({
    container: $("cy"),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
          "background-color": (n) => KIND_COLOURS[n.data("kind")] || "#666",
          "label": "data(display)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 2,
          "width": "data(size)", "height": "data(size)", "border-width": 1, "border-color": "#fff" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } },
      { selector: "edge", style: {
          "width": "data(width)", "line-color": (e) => ROLE_COLOURS[e.data("role")] || "#b8c0cc",
          "opacity": 0.6, "curve-style": "haystack" } },
      { selector: "edge:selected", style: { "opacity": 1, "line-color": "#111" } },
    ],
  });
}

// sizes from the data: busier nodes and heavier ties are drawn larger
function decorate() {
  const maxDeg = Math.max(1, ...cy.nodes().map((n) => n.degree()));
  cy.nodes().forEach((n) => {
    n.data("size", 14 + 36 * Math.sqrt(n.degree() / maxDeg));
    n.data("display", shortLabel(n.data()));
  });
  const maxW = Math.max(1, ...cy.edges().map((e) => e.data("weight") || 1));
  cy.edges().forEach((e) => {
    const w = e.data("weight");
    e.data("width", w === undefined ? 1.5 : 1 + 7 * (w / maxW));  // only aggregating views have weights
  });
}

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
  $("details").innerHTML = '<p class="hint">Click a node to see what it is and the source text behind its ties.</p>';
  const layout = cy.layout({ name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: false,
                             idealEdgeLength: () => 60, nodeRepulsion: () => 6000, numIter: 1500 });
  layout.one("layoutstop", () => {
    cy.fit(undefined, 20);
    setState("ready", `${cy.nodes().length} nodes, ${cy.edges().length} edges · ${doc.data.filters}`);
  });
  layout.run();
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  if (text !== undefined) e.textContent = text;  // text only: quotes are data, never markup
  return e;
}

function quoteBlock(citeText, text) {
  const q = el("blockquote", { class: "quote" });
  q.append(el("cite", {}, citeText), document.createTextNode(text));
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
    const what = [e_.relation, e_.role, e_.weight !== undefined ? `×${e_.weight}` : ""].filter(Boolean).join(" ");
    if (e_.quote) quotes.push([`${what} · ${other.data("label")} · ${e_.document || ""}`, e_.quote]);
    else if (e_.shared) quotes.push([`${what} · ${other.data("label")} · shared measure types`, e_.shared]);
  });
  panel.append(el("h3", {}, quotes.length ? `Source quotes (${Math.min(quotes.length, MAX_QUOTES)} of ${quotes.length})`
                                          : "No source quotes in this view"));
  quotes.slice(0, MAX_QUOTES).forEach(([c, t]) => panel.append(quoteBlock(c, t)));
}

async function loadCities() {
  const r = await fetch("/graphql", { method: "POST", headers: { "Content-Type": "application/json" },
                                      body: JSON.stringify({ query: "{ cities { shortName nameEn } }" }) });
  const body = await r.json();
  for (const c of (body.data && body.data.cities) || []) {
    $("city").append(el("option", { value: c.shortName }, `${c.shortName} ${c.nameEn}`));
  }
}

async function main() {
  cy = makeCy();
  window.cy = cy;  // for the browser test and the curious
  cy.on("tap", "node", (evt) => showDetails(evt.target));
  try { await loadCities(); } catch (e) { /* the page still works for all cities */ }
  if (params.get("view")) $("view").value = params.get("view");
  if (params.get("city")) $("city").value = params.get("city");
  for (const id of ["view", "city"]) $(id).addEventListener("change", show);
  $("format").addEventListener("change", () => { $("download").href = exportUrl($("format").value); });
  $("english").addEventListener("change", () => cy.nodes().forEach((n) => n.data("display", shortLabel(n.data()))));
  await show();
}

main().catch((e) => setState("error", String(e)));
