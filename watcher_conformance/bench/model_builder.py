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

"""The model builder's cases: a whole-cloud build against a simulated Nova.

Each run builds the model of the whole cloud (``Scope()``) against a fresh
:class:`~watcher_conformance.nova.api.Simulator` of a cloud generated once
per case: ``nodes`` compute nodes of ``instances`` servers each, none
empty, ironic, deleted or stale. Every Nova call takes ``latency``
seconds; Placement answers at once (latency 0), so that the bound counts
the Nova calls only (:func:`io_bound`).

The peak memory of a build includes the simulator's record of every call
it serves (about 12 MB for the 30,000 calls of ``build-10000x20``): the
simulator is made before the run, its records grow during it.
"""

import concurrent.futures
import math

from watcher_conformance.bench import case as case_
from watcher_conformance import datamodel
from watcher_conformance.nova import api
from watcher_conformance.nova import cloud as cloud_
from watcher_conformance.nova import oracle

PIECE = 'model_builder'
#: Seconds without an answer after which a build gives up: never, here.
TIMEOUT = 600.0


def io_bound(case):
    """The seconds a build waits for Nova at the least:
    ``latency * (3 + ceil(2N / W))``: the compute node list, the 2N calls
    about the N nodes (one for the node, one for its servers) W at a time,
    and two more for the pipeline to fill and drain (a node's servers can
    only be asked for once the node has arrived). Placement's calls are not
    counted: the cases give Placement no latency."""
    knobs = case.knobs
    return knobs['latency'] * (
        3 + math.ceil(2 * knobs['nodes'] / case.workers))


def topology(nodes, instances):
    """The cloud of the cases: nothing but *nodes* nodes of *instances*
    live servers."""
    return cloud_.Topology(nodes=nodes, instances=instances, empty_nodes=0,
                           ironic_nodes=0, deleted=0.0, stale_hosts=0)


class Build(case_.Workload):
    """A whole-cloud build.

    :param workers: the pool's worker count (also the raw baseline's).
    :param nodes: compute nodes in the cloud.
    :param instances: servers per node.
    :param latency: seconds each Nova call takes.
    """

    note = ('build: bound = Nova latency x (3 + ceil(2N / W)), N nodes, W '
            'workers; Placement latency is 0, so the bound counts only the '
            '2N Nova calls; raw = the same calls on a bare '
            'concurrent.futures.ThreadPoolExecutor(W)')

    def __init__(self, workers, nodes, instances, latency):
        super().__init__(workers)
        self.topology = topology(nodes, instances)
        self.latency = latency
        self.cloud = self.expected = self._raw_pool = None

    def setup(self):
        self.cloud = cloud_.generate(self.topology)
        self.expected = oracle.expected(self.cloud, datamodel.Scope())

    def simulator(self):
        # A fresh one per run: a simulator keeps a record of every call.
        return api.Simulator(self.cloud, latency=self.latency,
                             placement_latency=0.0)

    def prepare(self, piece):
        sim = self.simulator()
        return lambda: piece.build(sim.nova, sim.placement, datamodel.Scope(),
                                   TIMEOUT)

    def check(self, piece, result):
        view = piece.view(result)
        problems = oracle.differences(self.expected, view)
        if not view.complete:
            problems.insert(0, 'the model says it is incomplete: %s'
                            % '; '.join(view.problems))
        return problems

    def prepare_raw(self):
        if self._raw_pool is None:
            # One pool for every raw run, like the piece's: the best run
            # does not pay for starting threads.
            self._raw_pool = concurrent.futures.ThreadPoolExecutor(
                self.workers)
        sim = self.simulator()
        return lambda: raw_build(self._raw_pool, sim.nova, sim.placement)

    def teardown(self):
        if self._raw_pool is not None:
            self._raw_pool.shutdown()
        self.cloud = self.expected = self._raw_pool = None


def raw_build(pool, nova, placement):
    """The builder's Nova and Placement calls made with a bare *pool*: the
    compute node list, then one task per node fetching its node, its
    inventories and its servers, collected with ``as_completed`` into
    plain dicts: ``(nodes, servers, node_of)``, node and server uuid ->
    record, server uuid -> node uuid."""

    def fetch(host):
        found = nova.get_compute_node_by_name(host, servers=True,
                                              detailed=True)
        # Nova matches a pattern: node-1 also finds node-10.
        hypervisor, = (h for h in found if h.service_host == host)
        inventories = placement.get_inventories(hypervisor.uuid)
        servers = nova.get_instance_list(filters={'host': host}, limit=-1)
        return hypervisor, inventories, servers

    hosts = sorted({h.service_host for h in nova.get_compute_node_list()})
    nodes, servers, node_of = {}, {}, {}
    futures = [pool.submit(fetch, host) for host in hosts]
    for future in concurrent.futures.as_completed(futures):
        hypervisor, inventories, found = future.result()
        nodes[hypervisor.uuid] = (hypervisor, inventories)
        for server in found:
            servers[server.uuid] = server
            node_of[server.uuid] = hypervisor.uuid
    return nodes, servers, node_of


def case(name, nodes, instances, latency, workers, **kwargs):
    """A whole-cloud build case."""
    return case_.Case(
        name=name, piece=PIECE, workload=Build, workers=workers,
        knobs=dict(nodes=nodes, instances=instances, latency=latency),
        description='whole-cloud build, %d nodes x %d instances, Nova '
                    'latency %g ms, Placement 0 ms, %d workers'
                    % (nodes, instances, latency * 1000, workers),
        **kwargs)


#: From the issue; ``upstream`` is upstream Watcher 17's figure.
CASES = (
    case('build-200x10-w4', nodes=200, instances=10, latency=0.005,
         workers=4, bound=io_bound, targets={'ratio': 1.10},
         upstream={'ratio': 1.24}),
    case('build-200x10-w16', nodes=200, instances=10, latency=0.005,
         workers=16, bound=io_bound, targets={'ratio': 1.10},
         upstream={'ratio': 1.85}),
    case('build-1000x10', nodes=1000, instances=10, latency=0.002,
         workers=16, bound=io_bound, targets={'ratio': 1.10},
         upstream={'ratio': 2.52}),
    # 200,000 instances and no latency: the builder's own cost.
    case('build-10000x20', nodes=10000, instances=20, latency=0.0,
         workers=4, bound=io_bound,
         targets={'seconds': 2.0, 'peak_memory_mb': 300},
         upstream={'seconds': 17, 'peak_memory_mb': 770}),
)
