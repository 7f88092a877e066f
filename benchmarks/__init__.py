"""chainrule's benchmarks (``python benchmarks/run.py``); not part of the installed package.

- ``harness``: how a case is timed (a forked child with a time limit, SymPy's cache
  emptied before every run, medians, peak memory, whole processes, log-log slopes);
- ``workloads``: what is measured (the homework exercises, the scaling families,
  the graphs and texts), as plain inputs, and the plans' sizes;
- ``measurements``: each part's cases under the harness, and a whole run's results;
  ``processes``: the parts that time whole processes (CLI start-up, worksheets);
- ``report``: the Markdown page, with ``figures`` (sums, ratios, slopes as text) and
  ``targets`` (each target met or missed);
- ``run``: the command line.
"""
