/* Xarxa's network map: every `.xarxa-graph[data-src]` element becomes a
   WebGL map (sigma.js on a graphology graph, both from npm) of the JSON its
   `data-src` returns (the contract is in docs/graph.md: nodes with positions
   and measures, dated and typed ties, a legend and the years they span).

   - Colour by classification, size by the chosen measure, colour and width
     by type of tie; filters by type of tie, classification and area; a time
     slider that shows the ties current in a year; search; a side panel on
     click; the path finder (/graph/path.json); PNG and SVG export drawn here
     from the nodes' positions; the server's accessible table on demand.
   - Every string shown comes from the element's data-t-* attributes, which
     the template fills in the reader's language.
   - Labels are users' text: they reach the DOM through textContent, the SVG
     through text nodes (serialised escaped), the canvas as drawn text; never
     as HTML. Only the site's own paths are followed as links.
   - Filters and the slider change sigma's item states (isHidden and our
     `dim` / `mark`), which sigma redraws item by item; nothing is rebuilt. */
(function () {
  "use strict";

  // Colours of the classifications, in the legend's order; chosen to stay
  // apart from each other and readable on white.
  var PALETTE = ["#0b5cad", "#c0392b", "#1e8449", "#7d3c98", "#d35400", "#00838f",
                 "#9a7d0a", "#c2185b", "#34495e", "#6d4c41", "#558b2f", "#5d6dbe"];
  var UNCLASSIFIED = "#8a8f98";
  // Ties between the same two organisations overlap: the rarer, stronger
  // kinds are drawn over the common ones (z).
  var TIE_STYLES = {
    membership: { color: "#4f7cac", size: 1.6, z: 2 },
    seat: { color: "#b03a48", size: 2.2, z: 3 },
    representation: { color: "#7b3fa0", size: 3, z: 4 },
    "co-participation": { color: "#3f9b63", size: 1.2, z: 0 },
    agreement: { color: "#d68910", size: 2.2, z: 1 },
    "part-of": { color: "#6b6b6b", size: 1.4, z: 1 },
    path: { color: "#111111", size: 3, z: 5 }
  };
  var OTHER_TIE = { color: "#9aa0a6", size: 1.2, z: 0 };
  var DIM_NODE = "#dcdee3";
  var DIM_EDGE = "#eceef2";
  var NO_YEAR = -32768;
  var END_OPEN = 32767;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var MAX_PANEL_TIES = 200;
  var MAX_SEARCH_OPTIONS = 20;

  function $(root, selector) { return root.querySelector(selector); }

  // Milestones of drawing, for the benchmark (bench/graph_map.py).
  function mark(name) {
    if (window.performance && performance.mark) { performance.mark(name); }
  }

  // "{nodes} organisations" with {nodes} filled in; the text is translated.
  function format(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // Only the site's own pages: a URL in the data is never followed elsewhere.
  function ownPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function option(value, label) {
    var el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  function withParams(url, params) {
    var target = new URL(url, window.location.href);
    Object.keys(params).forEach(function (key) {
      if (params[key] === null || params[key] === undefined || params[key] === "") {
        target.searchParams.delete(key);
      } else {
        target.searchParams.set(key, params[key]);
      }
    });
    return target.pathname + target.search;
  }

  function GraphMap(root) {
    this.root = root;
    this.t = root.dataset;
    this.stage = $(root, ".graph-stage");
    this.status = $(root, ".graph-status");
    this.year = null;  // null: all times
    this.selected = null;
    this.path = null;
    this.blobUrl = null;
    root.xarxaGraph = this;
  }

  GraphMap.prototype.text = function (key, values) {
    return format(this.t[key] || "", values || {});
  };

  GraphMap.prototype.say = function (message) {
    if (this.status) { this.status.textContent = message; }
  };

  GraphMap.prototype.load = function () {
    var self = this;
    var height = this.root.getAttribute("data-height");
    if (height && /^\d+(\.\d+)?(rem|px|vh)$/.test(height)) {
      this.root.style.setProperty("--graph-height", height);
    }
    this.root.setAttribute("data-state", "loading");
    this.say(this.text("tLoading"));
    return fetch(this.root.getAttribute("data-src"), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      mark("xarxa-graph:data");
      self.build(data);
    }).catch(function (problem) {
      self.root.setAttribute("data-state", "error");
      self.say(self.text(problem && problem.name === "NoWebGL" ? "tNoWebgl" : "tError"));
      if (window.console) { window.console.error(problem); }
    });
  };

  // -- The data -------------------------------------------------------------

  GraphMap.prototype.build = function (data) {
    this.data = data;
    var legend = data.legend || {};
    var colours = {};
    (legend.classifications || []).forEach(function (c, i) {
      colours[c.value] = PALETTE[i % PALETTE.length];
    });
    this.colours = colours;
    this.typeNames = (legend.edge_types || []).map(function (t) { return t.value; });
    this.typeIndex = {};
    var self = this;
    this.typeNames.forEach(function (name, i) { self.typeIndex[name] = i; });

    var graph = new window.graphology.MultiUndirectedGraph({ allowSelfLoops: true });
    var nodes = [];
    var index = {};
    (data.nodes || []).forEach(function (n) {
      var id = String(n.id);
      if (Object.prototype.hasOwnProperty.call(index, id)) { return; }
      index[id] = nodes.length;
      nodes.push(n);
      graph.addNode(id, {
        x: Number(n.x) || 0, y: Number(n.y) || 0, size: 4,
        color: colours[n.classification] || UNCLASSIFIED,
        label: String(n.label || id), i: index[id]
      });
    });
    this.nodes = nodes;
    this.nodeIndex = index;
    this.edges = [];
    (data.edges || []).forEach(function (e) { self.addEdge(graph, e); });
    this.graph = graph;
    this.focus = data.focus && Object.prototype.hasOwnProperty.call(index, data.focus) ? data.focus : null;
    this.allocate();
    this.sizeBy(this.defaultMetric());
    mark("xarxa-graph:built");

    this.draw(graph);
    this.buildControls();
    this.apply();
    this.root.setAttribute("data-state", "ready");
  };

  GraphMap.prototype.addEdge = function (graph, e) {
    var source = String(e.source);
    var target = String(e.target);
    var key = String(e.id);
    if (!graph.hasNode(source) || !graph.hasNode(target) || graph.hasEdge(key)) { return; }
    var style = TIE_STYLES[e.type] || OTHER_TIE;
    var i = this.edges.length;
    this.edges.push({
      key: key, s: graph.getNodeAttribute(source, "i"), t: graph.getNodeAttribute(target, "i"),
      type: Object.prototype.hasOwnProperty.call(this.typeIndex, e.type) ? this.typeIndex[e.type] : -1,
      from: e.start_year === null || e.start_year === undefined ? NO_YEAR : Number(e.start_year),
      until: e.end_year === null || e.end_year === undefined ? END_OPEN : Number(e.end_year),
      sentence: String(e.label || e.type_label || ""), kind: e.type
    });
    graph.addEdgeWithKey(key, source, target, {
      color: style.color, size: style.size, markSize: style.size * 2 + 1, z: style.z, i: i
    });
  };

  // The state arrays: what is shown, and what sigma was last told.
  GraphMap.prototype.allocate = function () {
    var n = this.nodes.length;
    var m = this.edges.length;
    this.nodePass = new Uint8Array(n);
    this.nodeTies = new Int32Array(n);
    this.nodeSent = new Uint8Array(n);  // 0: sigma's own initial state
    this.edgeShown = new Uint8Array(m);
    this.edgeSent = new Uint8Array(m);
    this.typeOn = this.typeOn || this.typeNames.map(function () { return 1; });
  };

  GraphMap.prototype.defaultMetric = function () {
    var metrics = (this.data.legend && this.data.legend.metrics) || [];
    return metrics.length ? metrics[0].value : "degree";
  };

  GraphMap.prototype.sizeBy = function (metric) {
    this.metric = metric;
    var values = this.nodes.map(function (n) { return Number(n[metric]) || 0; });
    var low = Math.min.apply(null, values.concat([Infinity]));
    var high = Math.max.apply(null, values.concat([-Infinity]));
    var many = this.nodes.length > 2000;
    var smallest = many ? 2 : 5;
    var largest = many ? 10 : 18;
    var span = high - low;
    var sizes = values.map(function (v) {
      return span > 0 ? smallest + (largest - smallest) * Math.sqrt((v - low) / span) : (smallest + largest) / 3;
    });
    this.graph.updateEachNodeAttributes(function (key, attrs) {
      attrs.size = sizes[attrs.i];
      return attrs;
    }, { attributes: ["size"] });
  };

  // -- Drawing --------------------------------------------------------------

  GraphMap.prototype.draw = function (graph) {
    var Sigma = window.Sigma;
    if (!Sigma || !window.WebGL2RenderingContext) {
      var missing = new Error("WebGL 2 is not available");
      missing.name = "NoWebGL";
      throw missing;
    }
    var base = Sigma.DEFAULT_STYLES;
    var full = this.root.classList.contains("full");
    var options = {
      // Straight ties only: the default programs also carry self-loops, whose
      // 32-segment geometry every tie would then pay for.
      primitives: { edges: { paths: [Sigma.rendering.pathLine()], layers: [Sigma.rendering.layerPlain()] } },
      customNodeState: { dim: false, mark: false },
      customEdgeState: { dim: false, mark: false },
      styles: {
        nodes: [base.nodes,
          { whenState: "dim", then: { color: DIM_NODE, labelVisibility: "hidden" } },
          { whenState: "mark", then: { labelVisibility: "visible", depth: "topNodes" } }],
        edges: [base.edges, { zIndex: { attribute: "z", defaultValue: 0 } },
          { whenState: "dim", then: { color: DIM_EDGE } },
          { whenState: "mark", then: { size: { attribute: "markSize" }, depth: "topEdges" } }]
      },
      settings: {
        itemSizesReference: "screen",
        zoomToSizeRatioFunction: Math.sqrt,
        enableCameraRotation: false,
        enableCameraMouseRotation: false,
        renderEdgeLabels: false,
        enableEdgeEvents: false,
        // A map whose box is not laid out yet (a page still loading, a tab
        // left) waits for its size instead of failing: it draws on resize
        // (the ResizeObserver below).
        allowInvalidContainer: true,
        hideEdgesOnMove: this.edges.length > 20000,
        hideLabelsOnMove: this.nodes.length > 5000,
        labelDensity: 0.8,
        // Every name on a small map; on a large one, those of the larger nodes.
        labelRenderedSizeThreshold: this.nodes.length <= 300 ? 0 : 6,
        minCameraRatio: 0.01,
        maxCameraRatio: 4,
        gestureTarget: full ? "graph" : "shared",
        sharedGestureWheelMessage: this.text("tWheel"),
        sharedGestureAppleWheelMessage: this.text("tWheelApple"),
        sharedGestureTouchMessage: this.text("tTouch")
      }
    };
    var self = this;
    mark("xarxa-graph:sigma");
    this.sigma = new Sigma.Sigma(graph, this.stage, options);
    if (window.ResizeObserver) {
      // The box may get (or change) its size after the map starts.
      new window.ResizeObserver(function () { self.sigma.resize(); self.sigma.scheduleRender(); })
        .observe(this.stage);
    }
    this.root.dispatchEvent(new CustomEvent("xarxa:graph-drawn", { detail: this }));
    this.sigma.on("clickNode", function (event) { self.select(event.node, false); });
    this.sigma.on("clickStage", function () { self.clearSelection(); });
    // Sigma draws its first frame as it starts.
    this.root.setAttribute("data-first-frame", String(Math.round(performance.now())));
  };

  // -- Filters --------------------------------------------------------------

  GraphMap.prototype.buildControls = function () {
    var self = this;
    var root = this.root;
    var legend = this.data.legend || {};

    var metric = $(root, ".graph-metric");
    if (metric) {
      metric.textContent = "";
      (legend.metrics || []).forEach(function (m) { metric.appendChild(option(m.value, m.label)); });
      metric.value = this.metric;
      metric.addEventListener("change", function () { self.sizeBy(metric.value); });
    }

    var classes = $(root, ".graph-legend-classes");
    if (classes) {
      classes.textContent = "";
      var present = {};
      this.nodes.forEach(function (n) { present[n.classification || ""] = true; });
      (legend.classifications || []).forEach(function (c) {
        var item = element("li");
        var swatch = element("span", "swatch dot");
        swatch.style.background = self.colours[c.value];
        item.appendChild(swatch);
        item.appendChild(element("span", null, c.label));
        classes.appendChild(item);
      });
      if (present[""]) {
        var none = element("li");
        var grey = element("span", "swatch dot");
        grey.style.background = UNCLASSIFIED;
        none.appendChild(grey);
        none.appendChild(element("span", null, this.text("tUnclassified")));
        classes.appendChild(none);
      }
    }

    var ties = $(root, ".graph-legend-ties");
    if (ties) {
      ties.textContent = "";
      var counts = this.typeNames.map(function () { return 0; });
      this.edges.forEach(function (e) { if (e.type >= 0) { counts[e.type] += 1; } });
      (legend.edge_types || []).forEach(function (t, i) {
        var style = TIE_STYLES[t.value] || OTHER_TIE;
        var item = element("li");
        var label = element("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = !!self.typeOn[i];
        box.value = t.value;
        box.addEventListener("change", function () {
          self.typeOn[i] = box.checked ? 1 : 0;
          self.schedule();
        });
        var swatch = element("span", "swatch line");
        swatch.style.background = style.color;
        swatch.style.height = Math.max(2, Math.round(style.size * 1.5)) + "px";
        label.appendChild(box);
        label.appendChild(swatch);
        label.appendChild(element("span", null, t.label));
        label.appendChild(element("span", "muted count", "(" + counts[i] + ")"));
        item.appendChild(label);
        ties.appendChild(item);
      });
    }

    this.fillSelect($(root, ".graph-classification"), "classification", "classification_label");
    this.fillSelect($(root, ".graph-area"), "area", "area_label");
    [".graph-classification", ".graph-area", ".graph-hide-isolated"].forEach(function (selector) {
      var control = $(root, selector);
      if (control) { control.addEventListener("change", function () { self.schedule(); }); }
    });

    this.buildSlider();
    this.buildSearch();
    this.buildPathFinder();
    this.buildExports();
    this.buildTable();
    var close = $(root, ".graph-panel-close");
    if (close) { close.addEventListener("click", function () { self.clearSelection(); }); }
  };

  GraphMap.prototype.fillSelect = function (select, field, labelField) {
    if (!select) { return; }
    var seen = {};
    var choices = [];
    var unknown = false;
    this.nodes.forEach(function (n) {
      var value = n[field];
      if (!value) { unknown = true; return; }
      if (!Object.prototype.hasOwnProperty.call(seen, value)) {
        seen[value] = true;
        choices.push({ value: String(value), label: String(n[labelField] || value) });
      }
    });
    choices.sort(function (a, b) { return a.label.localeCompare(b.label); });
    select.textContent = "";
    select.appendChild(option("", this.text("tAll")));
    choices.forEach(function (c) { select.appendChild(option(c.value, c.label)); });
    if (unknown) { select.appendChild(option("-", this.text("tNotRecorded"))); }
    select.disabled = choices.length === 0;
  };

  GraphMap.prototype.buildSlider = function () {
    var self = this;
    var slider = $(this.root, ".graph-year");
    this.slider = slider;
    if (!slider) { return; }
    var years = this.data.years || [];
    if (years.length !== 2) {
      slider.disabled = true;
      return;
    }
    // From the year before the first tie began (the network before it) to
    // the last year; the step past it is "all times": every tie, whenever.
    slider.min = String(years[0] - 1);
    slider.max = String(years[1] + 1);
    slider.step = "1";
    slider.value = slider.max;
    slider.disabled = false;
    this.showYear();
    slider.addEventListener("input", function () {
      var value = Number(slider.value);
      self.year = value > years[1] ? null : value;
      self.showYear();
      self.schedule();
    });
    var all = $(this.root, ".graph-all-times");
    if (all) {
      all.addEventListener("click", function () {
        slider.value = slider.max;
        self.year = null;
        self.showYear();
        self.schedule();
      });
    }
  };

  GraphMap.prototype.showYear = function () {
    var shown = this.year === null ? this.text("tAllTimes") : String(this.year);
    var output = $(this.root, ".graph-year-value");
    if (output) { output.textContent = shown; }
    if (this.slider) { this.slider.setAttribute("aria-valuetext", shown); }
  };

  // Changes arrive at the pace of input events; the map follows once a frame.
  GraphMap.prototype.schedule = function () {
    var self = this;
    if (this.pending) { return; }
    this.pending = window.requestAnimationFrame(function () {
      self.pending = null;
      self.apply();
      self.refreshTable();
    });
  };

  // Work out what is shown, then tell sigma only what changed.
  GraphMap.prototype.apply = function () {
    var root = this.root;
    var nodes = this.nodes;
    var edges = this.edges;
    var classification = ($(root, ".graph-classification") || {}).value || "";
    var area = ($(root, ".graph-area") || {}).value || "";
    var hideIsolated = !!($(root, ".graph-hide-isolated") || {}).checked;
    var year = this.year;
    var i;

    for (i = 0; i < nodes.length; i += 1) {
      var n = nodes[i];
      var ok = true;
      if (classification) { ok = classification === "-" ? !n.classification : n.classification === classification; }
      if (ok && area) { ok = area === "-" ? !n.area : n.area === area; }
      this.nodePass[i] = ok ? 1 : 0;
      this.nodeTies[i] = 0;
    }
    var shownEdges = 0;
    for (i = 0; i < edges.length; i += 1) {
      var e = edges[i];
      var on = (e.type < 0 || this.typeOn[e.type] === 1) &&
        (year === null || (e.from <= year && e.until >= year)) &&
        this.nodePass[e.s] === 1 && this.nodePass[e.t] === 1;
      if (e.kind === "path") { on = !!this.path; }
      this.edgeShown[i] = on ? 1 : 0;
      if (on) {
        shownEdges += 1;
        this.nodeTies[e.s] += 1;
        this.nodeTies[e.t] += 1;
      }
    }

    var lit = this.highlighted();
    var focus = this.focus === null ? -1 : this.nodeIndex[this.focus];
    var shownNodes = 0;
    var nodeGroups = {};
    for (i = 0; i < nodes.length; i += 1) {
      var keep = this.nodePass[i] === 1 && (this.nodeTies[i] > 0 || i === focus || !hideIsolated ||
        (lit && lit.nodes[i] === 1));
      var dim = keep && ((this.nodeTies[i] === 0 && i !== focus) || (lit !== null && lit.nodes[i] !== 1));
      var mark = keep && lit !== null && lit.nodes[i] === 1;
      var code = (keep ? 0 : 1) | (dim ? 2 : 0) | (mark ? 4 : 0);
      if (keep && (this.nodeTies[i] > 0 || i === focus)) { shownNodes += 1; }
      if (this.nodeSent[i] !== code) {
        this.nodeSent[i] = code;
        (nodeGroups[code] = nodeGroups[code] || []).push(String(nodes[i].id));
      }
    }
    var edgeGroups = {};
    for (i = 0; i < edges.length; i += 1) {
      var shown = this.edgeShown[i] === 1;
      var lit1 = shown && lit !== null && lit.edges[i] === 1;
      var code2 = (shown ? 0 : 1) | (shown && lit !== null && !lit1 ? 2 : 0) | (lit1 ? 4 : 0);
      if (this.edgeSent[i] !== code2) {
        this.edgeSent[i] = code2;
        (edgeGroups[code2] = edgeGroups[code2] || []).push(edges[i].key);
      }
    }
    var sigma = this.sigma;
    Object.keys(nodeGroups).forEach(function (code) {
      var c = Number(code);
      sigma.setNodesState(nodeGroups[code], { isHidden: (c & 1) === 1, dim: (c & 2) === 2, mark: (c & 4) === 4 });
    });
    Object.keys(edgeGroups).forEach(function (code) {
      var c = Number(code);
      sigma.setEdgesState(edgeGroups[code], { isHidden: (c & 1) === 1, dim: (c & 2) === 2, mark: (c & 4) === 4 });
    });

    this.shownNodes = shownNodes;
    this.shownEdges = shownEdges;
    this.report();
    if (this.selected !== null) { this.fillPanel(this.selected); }
  };

  // The nodes and ties lit by the selection or the path (null: none).
  GraphMap.prototype.highlighted = function () {
    var self = this;
    if (this.selected === null && !this.path) { return null; }
    var nodes = new Uint8Array(this.nodes.length);
    var edges = new Uint8Array(this.edges.length);
    if (this.path) {
      this.path.nodes.forEach(function (id) {
        if (Object.prototype.hasOwnProperty.call(self.nodeIndex, id)) { nodes[self.nodeIndex[id]] = 1; }
      });
      var onPath = {};
      this.path.edges.forEach(function (key) { onPath[key] = true; });
      this.edges.forEach(function (e, i) { if (onPath[e.key]) { edges[i] = 1; } });
    } else {
      var s = this.nodeIndex[this.selected];
      nodes[s] = 1;
      this.edges.forEach(function (e, i) {
        if (self.edgeShown[i] === 1 && (e.s === s || e.t === s)) {
          edges[i] = 1;
          nodes[e.s] = 1;
          nodes[e.t] = 1;
        }
      });
    }
    return { nodes: nodes, edges: edges };
  };

  GraphMap.prototype.report = function () {
    var parts = [this.text("tCount", { nodes: this.shownNodes, edges: this.shownEdges })];
    var out = this.data.left_out || {};
    if (out.nodes) {
      parts.push(this.text("tLeftOut", { nodes: out.nodes, edges: out.edges || 0 }));
    } else if (out.edges) {
      parts.push(this.text("tOutside", { edges: out.edges }));
    }
    this.say(parts.join(" "));
    this.root.setAttribute("data-shown-nodes", String(this.shownNodes));
    this.root.setAttribute("data-shown-edges", String(this.shownEdges));
    var explanation = $(this.root, ".graph-explanation");
    if (explanation && !explanation.textContent) { explanation.textContent = String(this.data.explanation || ""); }
  };

  /** Whether a tie (by its id in the data) is drawn now. */
  GraphMap.prototype.isTieShown = function (key) {
    for (var i = 0; i < this.edges.length; i += 1) {
      if (this.edges[i].key === key) { return this.edgeShown[i] === 1; }
    }
    return false;
  };

  // -- Selection, search and the side panel ------------------------------------

  GraphMap.prototype.select = function (id, zoom) {
    if (!Object.prototype.hasOwnProperty.call(this.nodeIndex, id)) { return; }
    this.selected = id;
    this.path = null;
    this.apply();
    if (zoom) {
      var where = this.sigma.getNodeDisplayData(id);
      if (where) {
        this.sigma.getCamera().animate({ x: where.x, y: where.y, ratio: 0.35 }, { duration: 400 });
      }
    }
  };

  // Move the camera so that these nodes (and their labels) are in view.
  GraphMap.prototype.frame = function (ids) {
    var sigma = this.sigma;
    var points = ids.map(function (id) { return sigma.getNodeDisplayData(id); }).filter(Boolean);
    if (!points.length) { return; }
    var xs = points.map(function (d) { return d.x; });
    var ys = points.map(function (d) { return d.y; });
    var minX = Math.min.apply(null, xs); var maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys); var maxY = Math.max.apply(null, ys);
    // Framed coordinates span about 1 at ratio 1; leave room for the labels.
    var ratio = Math.min(1.2, Math.max(0.2, Math.max(maxX - minX, maxY - minY) * 1.6));
    sigma.getCamera().animate({ x: (minX + maxX) / 2 + ratio * 0.08, y: (minY + maxY) / 2, ratio: ratio },
                              { duration: 400 });
  };

  GraphMap.prototype.clearSelection = function () {
    var panel = $(this.root, ".graph-panel");
    if (panel) { panel.hidden = true; }
    if (this.selected === null && !this.path) { return; }
    this.selected = null;
    this.path = null;
    this.apply();
  };

  GraphMap.prototype.fillPanel = function (id) {
    var self = this;
    var panel = $(this.root, ".graph-panel");
    var body = panel && $(panel, ".graph-panel-body");
    if (!body) { return; }
    var i = this.nodeIndex[id];
    var node = this.nodes[i];
    body.textContent = "";
    var title = element("h3", null, node.label || node.id);
    title.id = (this.root.id || "graph") + "-panel-title";
    body.appendChild(title);
    panel.setAttribute("aria-labelledby", title.id);

    var facts = element("dl", "facts");
    [["tClassification", node.classification_label], ["tArea", node.area_label]].forEach(function (pair) {
      if (!pair[1]) { return; }
      facts.appendChild(element("dt", null, self.text(pair[0])));
      facts.appendChild(element("dd", null, pair[1]));
    });
    if (facts.childNodes.length) { body.appendChild(facts); }

    var links = element("p", "graph-panel-links");
    if (ownPath(node.url)) {
      var page = element("a", null, this.text("tOpen"));
      page.href = node.url;
      links.appendChild(page);
    }
    var explorer = this.root.getAttribute("data-explorer-src");
    if (ownPath(explorer)) {
      var explore = element("a", null, this.text("tExplore"));
      explore.href = withParams(explorer, { focus: String(node.id) });
      if (links.childNodes.length) { links.appendChild(document.createTextNode(" · ")); }
      links.appendChild(explore);
    }
    body.appendChild(links);

    // Its ties shown now, grouped by the organisation at the other end.
    var byOther = {};
    var order = [];
    var count = 0;
    this.edges.forEach(function (e, k) {
      if (self.edgeShown[k] !== 1 || (e.s !== i && e.t !== i)) { return; }
      var other = e.s === i ? e.t : e.s;
      if (!byOther[other]) {
        byOther[other] = [];
        order.push(other);
      }
      byOther[other].push(e.sentence);
      count += 1;
    });
    body.appendChild(element("h4", null, this.text("tTies", { n: count })));
    if (!order.length) {
      body.appendChild(element("p", "muted", this.text("tNoTies")));
    } else {
      var list = element("ul", "graph-panel-ties");
      var written = 0;
      order.forEach(function (other) {
        if (written >= MAX_PANEL_TIES) { return; }
        var item = element("li");
        var go = element("button", "link", self.nodes[other].label || self.nodes[other].id);
        go.type = "button";
        go.addEventListener("click", function () { self.show(String(self.nodes[other].id)); });
        item.appendChild(go);
        var sentences = element("ul");
        byOther[other].forEach(function (sentence) {
          if (written < MAX_PANEL_TIES) { sentences.appendChild(element("li", null, sentence)); }
          written += 1;
        });
        item.appendChild(sentences);
        list.appendChild(item);
      });
      body.appendChild(list);
    }
    panel.hidden = false;
  };

  /** Select a node, centre the map on it and open its panel. */
  GraphMap.prototype.show = function (id) {
    this.select(id, true);
    this.fillPanel(id);
  };

  GraphMap.prototype.buildSearch = function () {
    var self = this;
    var form = $(this.root, ".graph-search");
    if (!form) { return; }
    var input = $(form, "input[type=search]");
    var list = $(form, "datalist");
    var labels = this.nodes.map(function (n) { return fold(n.label || n.id); });
    function matches(query) {
      var q = fold(query).trim();
      var found = [];
      if (!q) { return found; }
      for (var i = 0; i < labels.length; i += 1) {
        if (labels[i] === q) { found.unshift(i); } else if (labels[i].indexOf(q) !== -1) { found.push(i); }
      }
      return found;
    }
    input.addEventListener("input", function () {
      if (!list) { return; }
      list.textContent = "";
      matches(input.value).slice(0, MAX_SEARCH_OPTIONS).forEach(function (i) {
        list.appendChild(option(self.nodes[i].label || self.nodes[i].id, ""));
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var found = matches(input.value);
      var note = $(form, ".graph-search-note");
      if (!found.length) {
        if (note) { note.textContent = self.text("tNotFound", { q: input.value }); }
        return;
      }
      if (note) { note.textContent = ""; }
      self.show(String(self.nodes[found[0]].id));
    });
  };

  // -- The path finder ------------------------------------------------------

  GraphMap.prototype.buildPathFinder = function () {
    var self = this;
    var form = $(this.root, ".graph-path");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.findPath(form);
    });
  };

  // An id as typed, or the id of the map's node whose name was typed.
  GraphMap.prototype.idOf = function (typed) {
    var text = String(typed || "").trim();
    if (Object.prototype.hasOwnProperty.call(this.nodeIndex, text)) { return text; }
    var q = fold(text);
    for (var i = 0; i < this.nodes.length; i += 1) {
      if (fold(this.nodes[i].label) === q) { return String(this.nodes[i].id); }
    }
    return text;
  };

  GraphMap.prototype.query = function () {
    // The map's own question (people, unfold...) with the slider and filters.
    var source = new URL(this.root.getAttribute("data-src"), window.location.href);
    var params = {};
    source.searchParams.forEach(function (value, key) { params[key] = value; });
    if (this.year !== null) { params.as_of = String(this.year); }
    var on = this.typeNames.filter(function (name, i) { return this.typeOn[i] === 1; }, this);
    if (on.length && on.length < this.typeNames.length) { params.types = on.join(","); }
    return params;
  };

  GraphMap.prototype.findPath = function (form) {
    var self = this;
    var answer = $(form, ".graph-path-answer");
    var from = this.idOf($(form, "[name=from]").value);
    var to = this.idOf($(form, "[name=to]").value);
    var params = this.query();
    ["focus", "radius", "network", "area", "limit"].forEach(function (key) { delete params[key]; });
    params.from = from;
    params.to = to;
    answer.textContent = this.text("tSearching");
    fetch(withParams(this.root.getAttribute("data-path-src"), params), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      var body = result.body || {};
      answer.textContent = "";
      if (!result.ok || !body.found) {
        var problem = body.explanation;
        if (!problem && body.errors) {
          problem = Object.keys(body.errors).map(function (k) { return body.errors[k].join(" "); }).join(" ");
        }
        answer.appendChild(element("p", null, problem || self.text("tNoPath")));
        self.path = null;
        self.apply();
        return null;
      }
      return self.placePath(body).then(function () {
        answer.appendChild(element("p", "graph-path-explanation", body.explanation));
        var steps = element("ol", "graph-path-steps");
        (body.nodes || []).forEach(function (id) {
          var item = element("li");
          var k = self.nodeIndex[id];
          var go = element("button", "link", k === undefined ? id : (self.nodes[k].label || id));
          go.type = "button";
          go.addEventListener("click", function () { self.show(id); });
          item.appendChild(go);
          steps.appendChild(item);
        });
        answer.appendChild(steps);
        self.selected = null;
        var panel = $(self.root, ".graph-panel");
        if (panel) { panel.hidden = true; }
        self.path = { nodes: (body.nodes || []).map(String), edges: (body.edges || []).map(String) };
        (body.steps || []).forEach(function (step) {
          self.path.edges.push("path:" + step.source + ":" + step.target);
        });
        self.apply();
        self.frame(self.path.nodes);
        self.root.setAttribute("data-path", self.path.nodes.join(" "));
      });
    }).catch(function (problem) {
      answer.textContent = self.text("tError");
      if (window.console) { window.console.error(problem); }
    });
  };

  // A path may run through organisations this map leaves out: they are added,
  // between their neighbours on the path, with a tie for each step not drawn.
  GraphMap.prototype.placePath = function (body) {
    var self = this;
    var ids = (body.nodes || []).map(String);
    var missing = ids.filter(function (id) { return !Object.prototype.hasOwnProperty.call(self.nodeIndex, id); });
    var base = this.root.getAttribute("data-src");
    var lookups = missing.map(function (id) {
      return fetch(withParams(base, { focus: id, radius: "1", limit: "1", network: null, area: null }), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        var found = data && (data.nodes || []).filter(function (n) { return String(n.id) === id; })[0];
        return found || { id: id, label: id };
      }).catch(function () { return { id: id, label: id }; });
    });
    return Promise.all(lookups).then(function (found) {
      if (!found.length && !(body.steps || []).length) { return; }
      var byId = {};
      found.forEach(function (n) { byId[String(n.id)] = n; });
      var graph = self.graph;
      ids.forEach(function (id, k) {
        if (Object.prototype.hasOwnProperty.call(self.nodeIndex, id)) { return; }
        var near = self.nearestPlaced(ids, k);
        var n = Object.assign({}, byId[id]);
        n.id = id;
        n.x = near.x + near.dx;
        n.y = near.y + near.dy;
        self.nodeIndex[id] = self.nodes.length;
        self.nodes.push(n);
        graph.addNode(id, {
          x: n.x, y: n.y, size: 6, color: self.colours[n.classification] || UNCLASSIFIED,
          label: String(n.label || id), i: self.nodeIndex[id]
        });
      });
      var drawn = {};
      self.edges.forEach(function (e) {
        drawn[e.s + ":" + e.t] = true;
        drawn[e.t + ":" + e.s] = true;
      });
      (body.steps || []).forEach(function (step) {
        var s = self.nodeIndex[step.source];
        var t = self.nodeIndex[step.target];
        var key = "path:" + step.source + ":" + step.target;
        if (s === undefined || t === undefined || drawn[s + ":" + t] || graph.hasEdge(key)) { return; }
        self.addEdge(graph, { id: key, source: step.source, target: step.target, type: "path",
          label: (step.sentences || []).join("; ") });
      });
      self.grow();
    });
  };

  GraphMap.prototype.nearestPlaced = function (ids, k) {
    var self = this;
    function at(j) {
      var id = ids[j];
      if (id === undefined || !Object.prototype.hasOwnProperty.call(self.nodeIndex, id)) { return null; }
      var attrs = self.graph.getNodeAttributes(id);
      return { x: attrs.x, y: attrs.y };
    }
    var before = null;
    var after = null;
    for (var j = k - 1; j >= 0 && !before; j -= 1) { before = at(j); }
    for (j = k + 1; j < ids.length && !after; j += 1) { after = at(j); }
    var step = 0.25;
    if (before && after) { return { x: (before.x + after.x) / 2, y: (before.y + after.y) / 2, dx: step / 2, dy: step / 2 }; }
    var from = before || after || { x: 0, y: 0 };
    return { x: from.x, y: from.y, dx: step, dy: -step };
  };

  // New nodes or ties (a path's): the state arrays follow.
  GraphMap.prototype.grow = function () {
    function extend(array, length, Type, fill) {
      if (array.length >= length) { return array; }
      var bigger = new Type(length);
      if (fill !== undefined) { bigger.fill(fill); }
      bigger.set(array);
      return bigger;
    }
    var n = this.nodes.length;
    var m = this.edges.length;
    this.nodePass = extend(this.nodePass, n, Uint8Array);
    this.nodeTies = extend(this.nodeTies, n, Int32Array);
    this.nodeSent = extend(this.nodeSent, n, Uint8Array, 255);
    this.edgeShown = extend(this.edgeShown, m, Uint8Array);
    this.edgeSent = extend(this.edgeSent, m, Uint8Array, 255);
  };

  // -- Export ---------------------------------------------------------------

  // What is drawn now, in pixels of a picture `width` wide: the whole map, not
  // just the part in view.
  GraphMap.prototype.picture = function (width) {
    var sigma = this.sigma;
    var nodes = [];
    var minX = Infinity; var minY = Infinity; var maxX = -Infinity; var maxY = -Infinity;
    var self = this;
    this.graph.forEachNode(function (key) {
      var d = sigma.getNodeDisplayData(key);
      if (!d || d.visibility === "hidden") { return; }
      var state = self.nodeSent[self.nodeIndex[key]];
      nodes.push({ key: key, x: d.x, y: d.y, size: d.size, color: d.color, label: d.label,
                   labelled: (state & 2) === 0 });
      minX = Math.min(minX, d.x); maxX = Math.max(maxX, d.x);
      minY = Math.min(minY, d.y); maxY = Math.max(maxY, d.y);
    });
    if (!nodes.length) { minX = minY = 0; maxX = maxY = 1; }
    var margin = 40;
    var spanX = Math.max(maxX - minX, 1e-9);
    var spanY = Math.max(maxY - minY, 1e-9);
    var inner = width - 2 * margin;
    var scale = inner / Math.max(spanX, spanY);
    var height = Math.round(spanY * scale + 2 * margin);
    var where = {};
    nodes.forEach(function (n) {
      n.px = margin + (n.x - minX) * scale;
      n.py = margin + (maxY - n.y) * scale;  // sigma's y points up
      n.r = Math.max(2, Math.min(24, n.size * 0.9));
      where[n.key] = n;
    });
    var edges = [];
    this.graph.forEachEdge(function (key, attrs, source, target) {
      var d = sigma.getEdgeDisplayData(key);
      if (!d || d.visibility === "hidden" || !where[source] || !where[target]) { return; }
      edges.push({ a: where[source], b: where[target], color: d.color, size: d.size });
    });
    // Labels for at most 300 nodes, the largest first, so the picture stays legible.
    var labelled = nodes.filter(function (n) { return n.labelled && n.label; })
      .sort(function (a, b) { return b.size - a.size; }).slice(0, 300);
    return { width: width, height: Math.max(height, 200), nodes: nodes, edges: edges, labels: labelled };
  };

  GraphMap.prototype.svg = function () {
    var p = this.picture(1600);
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("xmlns", SVG_NS);
    svg.setAttribute("width", String(p.width));
    svg.setAttribute("height", String(p.height));
    svg.setAttribute("viewBox", "0 0 " + p.width + " " + p.height);
    var title = document.createElementNS(SVG_NS, "title");
    title.textContent = this.text("tPictureTitle");
    svg.appendChild(title);
    var background = document.createElementNS(SVG_NS, "rect");
    background.setAttribute("width", "100%");
    background.setAttribute("height", "100%");
    background.setAttribute("fill", "#ffffff");
    svg.appendChild(background);
    var ties = document.createElementNS(SVG_NS, "g");
    ties.setAttribute("stroke-linecap", "round");
    p.edges.forEach(function (e) {
      var line = document.createElementNS(SVG_NS, "line");
      line.setAttribute("x1", e.a.px.toFixed(1));
      line.setAttribute("y1", e.a.py.toFixed(1));
      line.setAttribute("x2", e.b.px.toFixed(1));
      line.setAttribute("y2", e.b.py.toFixed(1));
      line.setAttribute("stroke", e.color);
      line.setAttribute("stroke-width", String(Math.max(0.5, e.size)));
      ties.appendChild(line);
    });
    svg.appendChild(ties);
    var dots = document.createElementNS(SVG_NS, "g");
    p.nodes.forEach(function (n) {
      var circle = document.createElementNS(SVG_NS, "circle");
      circle.setAttribute("cx", n.px.toFixed(1));
      circle.setAttribute("cy", n.py.toFixed(1));
      circle.setAttribute("r", n.r.toFixed(1));
      circle.setAttribute("fill", n.color);
      dots.appendChild(circle);
    });
    svg.appendChild(dots);
    var names = document.createElementNS(SVG_NS, "g");
    names.setAttribute("font-family", "system-ui, sans-serif");
    names.setAttribute("font-size", "13");
    names.setAttribute("fill", "#1d1d1f");
    p.labels.forEach(function (n) {
      var label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("x", (n.px + n.r + 4).toFixed(1));
      label.setAttribute("y", (n.py + 4).toFixed(1));
      label.textContent = String(n.label);  // a text node: serialised escaped
      names.appendChild(label);
    });
    svg.appendChild(names);
    return new XMLSerializer().serializeToString(svg);
  };

  GraphMap.prototype.png = function () {
    var ratio = 2;
    var p = this.picture(1600);
    var canvas = document.createElement("canvas");
    canvas.width = p.width * ratio;
    canvas.height = p.height * ratio;
    var ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, p.width, p.height);
    ctx.lineCap = "round";
    p.edges.forEach(function (e) {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = Math.max(0.5, e.size);
      ctx.beginPath();
      ctx.moveTo(e.a.px, e.a.py);
      ctx.lineTo(e.b.px, e.b.py);
      ctx.stroke();
    });
    p.nodes.forEach(function (n) {
      ctx.fillStyle = n.color;
      ctx.beginPath();
      ctx.arc(n.px, n.py, n.r, 0, 2 * Math.PI);
      ctx.fill();
    });
    ctx.font = "13px system-ui, sans-serif";
    ctx.fillStyle = "#1d1d1f";
    p.labels.forEach(function (n) { ctx.fillText(String(n.label), n.px + n.r + 4, n.py + 4); });
    return canvas.toDataURL("image/png");
  };

  GraphMap.prototype.buildExports = function () {
    var self = this;
    Array.prototype.forEach.call(this.root.querySelectorAll("a[data-export]"), function (link) {
      // The picture is drawn when asked for; the link then points at it, and
      // the browser follows it as a download once this handler returns.
      link.addEventListener("click", function () {
        if (link.getAttribute("data-export") === "svg") {
          if (self.blobUrl) { URL.revokeObjectURL(self.blobUrl); }
          self.blobUrl = URL.createObjectURL(new Blob([self.svg()], { type: "image/svg+xml" }));
          link.href = self.blobUrl;
        } else {
          link.href = self.png();
        }
      });
    });
  };

  // -- The table ------------------------------------------------------------

  GraphMap.prototype.tableUrl = function () {
    var base = this.root.getAttribute("data-table-src");
    var params = this.query();
    if (this.year === null) { params.as_of = null; }
    if (!params.types) { params.types = null; }
    return withParams(base, params);
  };

  GraphMap.prototype.buildTable = function () {
    var self = this;
    var toggle = $(this.root, ".graph-table-toggle");
    var view = $(this.root, ".graph-table-view");
    if (!toggle || !view) { return; }
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-pressed", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var open = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", open ? "true" : "false");
      view.hidden = !open;
      self.root.classList.toggle("table-open", open);
      if (open) { self.loadTable(); }
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        toggle.click();
      }
    });
  };

  GraphMap.prototype.loadTable = function () {
    var view = $(this.root, ".graph-table-view");
    var url = this.tableUrl();
    var self = this;
    view.setAttribute("aria-busy", "true");
    var done = function () {
      view.removeAttribute("aria-busy");
      self.root.setAttribute("data-table", url);
    };
    if (window.htmx) {
      // htmx sends HX-Request, so the server answers with the fragment only.
      window.htmx.ajax("GET", url, { target: view, swap: "innerHTML" }).then(done, done);
    } else {
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          // The server's own template, escaped there.
          view.innerHTML = html;
          done();
        });
    }
  };

  GraphMap.prototype.refreshTable = function () {
    var view = $(this.root, ".graph-table-view");
    if (view && !view.hidden && this.root.getAttribute("data-table") !== this.tableUrl()) {
      this.loadTable();
    }
  };

  // -- Start ----------------------------------------------------------------

  function start(root) {
    var scope = root || document;
    var found = scope.querySelectorAll ? scope.querySelectorAll(".xarxa-graph[data-src]") : [];
    Array.prototype.forEach.call(found, function (el) {
      if (el.xarxaGraph) { return; }
      new GraphMap(el).load();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { start(event.target); });
}());
