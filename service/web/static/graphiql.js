// GraphiQL on /graphql, every file from this server (service/web/static/vendor/): it renders
// with no route to any other host. ?q=…&variables=… share a query (?query= would run it: GraphQL over GET), as GraphiQL's own page does.
(function () {
  "use strict";
  var EXAMPLE = [
    "# policykg: who is responsible for what, and which cities share which measures.",
    "# Run with Ctrl-Enter; the Docs button lists every field and what its arguments take.",
    "{",
    "  city(name: \"许昌\") { name nameEn policies { title docNumber issued } }",
    "  responsibilities(city: \"许昌\", role: LEAD, first: 3) {",
    "    totalCount",
    "    edges { node { organization { name } measure { code title } mention { quote } } }",
    "  }",
    "}",
    ""
  ].join("\n");
  var params = new URLSearchParams(window.location.search);

  function remember(name) {
    return function (value) {
      if (value) { params.set(name, value); } else { params.delete(name); }
      window.history.replaceState(null, "", "?" + params.toString());
    };
  }

  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: EXAMPLE,
    query: params.get("q") || undefined,
    variables: params.get("variables") || undefined,
    onEditQuery: remember("q"),
    onEditVariables: remember("variables"),
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true
  }));
  document.body.dataset.state = "ready";
})();
