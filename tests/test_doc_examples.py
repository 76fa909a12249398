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

"""The documentation's examples run, and do what the guides say.

The guides include these files with ``literalinclude``
(``doc/source/examples/``), so an example that stops working fails here
before it misleads a reader.
"""

import importlib.util
import os
import sys

from tests import base
from watcher_conformance import catalogue
from watcher_conformance import contract
from watcher_conformance.fixtures import nova as nova_fixture
from watcher_conformance.nova import faults
from watcher_conformance import probes
from watcher_conformance import report
from watcher_conformance import runner

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'doc', 'source', 'examples')


def _load(name):
    """Import ``doc/source/examples/<name>.py`` (not a package) as *name*,
    so that the adapter finds it as ``name:ATTRIBUTE``."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(EXAMPLES, name + '.py'))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    return sys.modules[name]


#: Every example file, and the test class that runs it.
TESTED = {
    'threadpool_submit': 'ThreadpoolExamplesTest',
    'threadpool_do_while': 'ThreadpoolExamplesTest',
    'threadpool_modify': 'ThreadpoolExamplesTest',
    'threadpool_timeout': 'ThreadpoolExamplesTest',
    'mypool': 'AdapterExampleTest',
    'mypool_conformance': 'AdapterExampleTest',
}


class ExamplesCoveredTest(base.TestCase):

    def test_every_example_is_tested(self):
        found = {name[:-3] for name in os.listdir(EXAMPLES)
                 if name.endswith('.py')}
        self.assertEqual(set(), found - set(TESTED),
                         'examples no test runs: add them to TESTED and '
                         'test them')
        self.assertEqual(set(), set(TESTED) - found)


class ThreadpoolExamplesTest(base.TestCase):
    """The threadpool guide's examples, on the reference's pool, against
    the simulated Nova."""

    def setUp(self):
        super().setUp()
        self.useFixture(base.ReferencePool(4))
        self.sim = self.useFixture(nova_fixture.SimulatedNova(
            latency=0.002, hold_timeout=base.FAST['wait_timeout'] * 5))
        self.cloud = self.sim.cloud
        self.nova = self.sim.nova
        self.hosts = [h.service_host for h in self.cloud.hypervisors
                      if h.hypervisor_type != 'ironic']

    def in_thread(self, fn, *args):
        """Run ``fn(*args)`` in another thread: its outcome dict."""
        return probes.start_thread(fn, *args, name='example')[1]

    def finish(self, outcome):
        outcome['thread'].join(10)
        self.assertFalse(outcome['thread'].is_alive(), 'example hung')
        if 'error' in outcome:
            raise outcome['error']
        return outcome.get('value')

    def expected_servers(self, hosts):
        return {h: list(self.cloud.servers[h]) for h in hosts
                if self.cloud.by_host[h].servers}

    def test_submit_runs_both_calls_at_once(self):
        example = _load('threadpool_submit')
        held = self.sim.simulator.hold('get_aggregate_list')
        outcome = self.in_thread(example.aggregates_and_services, self.nova)
        # The services call starts while the aggregates call is held.
        started = self.sim.simulator.wait_for_call('get_service_list', 5)
        held.release()
        aggregates, services = self.finish(outcome)
        self.assertTrue(started, 'the second call waited for the first')
        self.assertEqual(list(self.cloud.aggregates), aggregates)
        self.assertEqual(list(self.cloud.services), services)

    def test_do_while_collects_every_node_and_its_servers(self):
        collector = _load('threadpool_do_while').NodeCollector(self.nova)
        collector.collect(self.hosts)
        self.assertEqual({}, collector.errors)
        self.assertEqual({h: self.cloud.by_host[h] for h in self.hosts},
                         collector.nodes)
        self.assertEqual(self.expected_servers(self.hosts),
                         collector.servers)

    def test_do_while_fetches_servers_before_every_node_arrived(self):
        collector = _load('threadpool_do_while').NodeCollector(self.nova)
        last = self.hosts[-1]
        held = self.sim.simulator.hold('get_compute_node_by_name', last)
        outcome = self.in_thread(collector.collect, self.hosts)
        # No barrier between the steps: server calls go out while the last
        # node is still on its way.
        early = self.sim.simulator.wait_for_call('get_instance_list', 5)
        held.release()
        self.finish(outcome)
        self.assertTrue(early, 'server calls waited for every node')
        self.assertEqual(set(self.hosts), set(collector.nodes))

    def test_do_while_reports_a_failed_call_and_goes_on(self):
        failing = self.hosts[0]
        self.sim.simulator.inject(faults.Fault(
            faults.ERROR, call='get_compute_node_by_name', host=failing))
        collector = _load('threadpool_do_while').NodeCollector(self.nova)
        collector.collect(self.hosts)
        self.assertEqual([failing], list(collector.errors))
        self.assertEqual(set(self.hosts) - {failing}, set(collector.nodes))

    def test_modify_collects_every_node_and_its_servers(self):
        collector = _load('threadpool_modify').NodeCollector(self.nova)
        collector.collect(self.hosts)
        self.assertEqual({h: self.cloud.by_host[h] for h in self.hosts},
                         collector.nodes)
        self.assertEqual(self.expected_servers(self.hosts),
                         collector.servers)
        self.assertEqual({}, collector._about, 'futures never called back')

    def test_timeout_names_the_host_that_did_not_answer(self):
        hung = self.hosts[1]
        self.sim.simulator.inject(faults.Fault(
            faults.HANG, call='get_compute_node_by_name', host=hung))
        example = _load('threadpool_timeout')
        nodes, missing = example.nodes_within(self.nova, self.hosts, 0.2)
        self.assertEqual([hung], missing)
        self.assertEqual({h: self.cloud.by_host[h].uuid for h in self.hosts
                          if h != hung},
                         {h: n.uuid for h, n in nodes.items()})


class AdapterExampleTest(base.TestCase):
    """The user guide's adapter: its pool passes the checks it can, and
    skips exactly those of the features it does not claim."""

    SPEC = 'mypool_conformance:IMPLEMENTATION'

    def setUp(self):
        super().setUp()
        _load('mypool')
        self.adapter = _load('mypool_conformance')

    def test_adapter_is_conformant(self):
        results = runner.run(self.SPEC, area='threadpool', **base.FAST)
        results += runner.run(self.SPEC, area='threading_model', **base.FAST)
        statuses = {r['id']: report.status(r) for r in results}
        self.assertEqual([], [i for i, s in statuses.items()
                              if s == 'failed'])
        unclaimed = {f.name for f in contract.FEATURES.values()
                     if f.piece == 'threadpool'
                     } - self.adapter.IMPLEMENTATION.features
        self.assertEqual(
            {c.test for c in catalogue.collect()
             if c.area == 'threadpool' and c.feature in unclaimed},
            {i.split('[')[0] for i, s in statuses.items()
             if s == 'skipped' and '.tests.threadpool.' in i})
