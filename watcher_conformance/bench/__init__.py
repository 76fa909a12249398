# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""``watcher-conformance bench`` (``tox -e bench``): how fast the pieces are.

A benchmark, not a check: it prints a table and writes a JSON file
(:mod:`.table`); ``--check`` turns a missed target into exit status 1.

* :mod:`.case`: what a case is (:class:`~.case.Case`, data) and what the
  work it measures must offer (:class:`~.case.Workload`);
* :mod:`.model_builder`: the model builder's workload, its I/O bound and
  its cases;
* :mod:`.cases`: every case, in table order, and selection by name;
* :mod:`.measure`: running a case;
* :mod:`.table`: the table and the JSON.

Adding cases for another piece is a module like :mod:`.model_builder` (a
:class:`~.case.Workload` and a tuple of :class:`~.case.Case`) and one line
in :mod:`.cases`.

How a case is measured (:func:`.measure.run_case`):

1. The workload sets up (a simulated cloud, say): setup is not measured.
2. ``gc.freeze()``: everything alive now (the simulated cloud above all)
   moves to the permanent generation, which collections skip. Otherwise
   every full collection the piece's allocations trigger would also
   traverse the simulated Nova's records, charging the piece for objects
   that in production live in another service. The piece's own objects are
   still collected as usual: that cost is real.
3. A fresh piece through the contract (the implementation's factory with
   :class:`~watcher_conformance.contract.Settings` of the process's mode
   and the case's worker count); ``provider.reset()`` at the end, whatever
   happens.
4. ``--repeat`` timed runs (``time.perf_counter``), best kept: noise only
   ever adds time (the reasoning of :mod:`timeit`). Each starts after a
   ``gc.collect()``, so that it does not pay for the previous run's
   garbage; the collector stays on during the run (unlike :mod:`timeit`):
   collecting what the piece allocates is part of its cost. The first
   run's result is checked (a fast wrong answer is worthless: it is
   reported as an error and the case stops there).
5. The raw baseline, if the workload has one: the same calls through the
   bare library, best of ``--repeat`` as well.
6. For cases that ask for it, one more run under :mod:`tracemalloc`,
   started after setup: the peak of that run, in MB of 2**20 bytes.
   Tracing slows the run down, so it is never timed.
"""
