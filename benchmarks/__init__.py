"""chainrule's benchmarks (``python benchmarks/run.py``); not part of the installed package.

- ``harness``: how a case is timed (a forked child with a time limit, SymPy's cache
  emptied before every run, medians, peak memory, whole processes, log-log slopes);
- ``workloads``: what is measured (the homework exercises, the scaling families,
  the graphs and texts), as plain inputs;
- ``measurements``: the plan of a run and each part's cases under the harness;
- ``report``: the Markdown page (figures, ratios, targets met or missed);
- ``run``: the command line.
"""
