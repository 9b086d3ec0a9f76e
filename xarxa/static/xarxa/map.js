/* Xarxa's maps: every `.map[data-map-url]` element draws the GeoJSON its URL
   returns (areas, each with `name`, `id`, `role` and `url` properties) with
   Leaflet, on a plain background: no tiles, so no request leaves the site.
   Names are users' text: they go into the page as text nodes, never as HTML.
   The page lists the same areas beside the map for whoever cannot see it. */
(function () {
  "use strict";

  var STYLES = {
    seat: { color: "#9b2335", weight: 3, fillColor: "#9b2335", fillOpacity: 0.35 },
    area: { color: "#9b2335", weight: 3, fillColor: "#9b2335", fillOpacity: 0.2 },
    service: { color: "#0b4f9c", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.2 },
    "sub-area": { color: "#0b4f9c", weight: 1, fillColor: "#0b4f9c", fillOpacity: 0.08 },
    within: { color: "#555555", weight: 1, dashArray: "4 4", fill: false }
  };

  function label(feature) {
    // A node, not a string: Leaflet would put a string in as HTML.
    var span = document.createElement("span");
    span.textContent = String((feature.properties && feature.properties.name) || "");
    return span;
  }

  function draw(element) {
    var url = element.getAttribute("data-map-url");
    if (!url || !window.L || element.getAttribute("data-map-drawn")) {
      return;
    }
    element.setAttribute("data-map-drawn", "1");
    var map = window.L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    map.setView([20, 0], 1);  // until the areas give it bounds
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        var layer = window.L.geoJSON(data, {
          style: function (feature) {
            var role = feature.properties && feature.properties.role;
            return STYLES[role] || STYLES.service;
          },
          pointToLayer: function (feature, latlng) {
            return window.L.circleMarker(latlng, { radius: 6 });
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(label(feature), { sticky: true });
            var target = feature.properties && feature.properties.url;
            // Only the site's own pages: a URL in the data is never followed elsewhere.
            if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
              shape.on("click", function () { window.location.assign(target); });
            }
          }
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [12, 12] });
        }
        element.setAttribute("data-map-ready", "1");
      })
      .catch(function () {
        element.setAttribute("data-map-error", "1");
      });
  }

  function drawAll(root) {
    var elements = (root || document).querySelectorAll(".map[data-map-url]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  // Maps that arrive in an htmx swap are drawn too.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
}());
