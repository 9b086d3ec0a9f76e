"""The network graph (docs/graph.md)."""

import os

# igraph's PageRank runs on OpenMP threads that busy-wait for each other: on a
# shared two-core machine a PageRank of 2,400 nodes took up to 4.7 s instead
# of 19 ms (docs/performance.md). libgomp reads this when it is loaded, so it
# is set before anything imports igraph.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
