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

"""The simulated Nova behaves as the checks rely on it to."""

import threading

from tests import base
from watcher_conformance import datamodel
from watcher_conformance import nova
from watcher_conformance.nova import api
from watcher_conformance.nova import cloud
from watcher_conformance.nova import faults
from watcher_conformance.nova import oracle

CLOUD = cloud.Topology(nodes=12, big_nodes=1, ironic_nodes=2, stale_hosts=1)


class CloudTest(base.TestCase):

    def test_same_topology_same_cloud(self):
        one, two = cloud.generate(CLOUD), cloud.generate(CLOUD)
        self.assertEqual(one.hypervisors, two.hypervisors)
        self.assertEqual(one.servers, two.servers)

    def test_shapes_are_generated(self):
        c = cloud.generate(CLOUD)
        self.assertEqual(12 + 1 + 1 + 2, len(c.hypervisors))  # + empty, big
        self.assertEqual(2, sum(h.hypervisor_type == 'ironic'
                                for h in c.hypervisors))
        self.assertIn(1001, {len(s) for s in c.servers.values()})
        self.assertIn('gone-1', {s.host for s in c.services})

    def test_host_pattern_matches_like_nova(self):
        c = cloud.generate(CLOUD)
        names = {h.service_host for h in c.hypervisors_matching('node-1')}
        self.assertEqual({'node-1', 'node-10', 'node-11', 'node-12',
                          'node-13', 'node-14'}, names)
        self.assertEqual([], c.hypervisors_matching('node-99'))

    def test_padded_names_are_prefixes_of_none(self):
        plain = cloud.generate(CLOUD)
        padded = cloud.generate(cloud.Topology(
            nodes=12, big_nodes=1, ironic_nodes=2, stale_hosts=1,
            padded=True))
        hosts = sorted(padded.by_host)
        self.assertIn('node-01', hosts)
        for host in hosts:
            self.assertEqual([host], [h.service_host for h in
                                      padded.hypervisors_matching(host)])
        # The same cloud but for its names.
        self.assertEqual([h.uuid for h in plain.hypervisors],
                         [h.uuid for h in padded.hypervisors])


class SimulatorTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.sim = api.Simulator(cloud.generate(CLOUD), hold_timeout=5)
        self.addCleanup(self.sim.release_all)

    def test_calls_are_recorded(self):
        self.sim.nova.get_instance_list(filters={'host': 'node-2'},
                                        limit=-1)
        call, = self.sim.calls
        self.assertEqual(('get_instance_list', 'node-2'),
                         (call.name, call.host))
        self.assertIsNotNone(call.end)

    def test_instance_limit_and_marker(self):
        servers = self.sim.cloud.servers['node-14']  # the big node
        page = self.sim.nova.get_instance_list({'host': 'node-14'},
                                               limit=1000)
        self.assertEqual(1000, len(page))
        rest = self.sim.nova.get_instance_list({'host': 'node-14'},
                                               marker=page[-1].uuid)
        self.assertEqual(list(servers), page + rest)

    def test_vanished_node_is_not_found(self):
        self.sim.vanish('node-9')
        self.assertRaises(nova.NotFound,
                          self.sim.nova.get_compute_node_by_name, 'node-9')
        self.assertEqual([], self.sim.nova.get_instance_list(
            {'host': 'node-9'}))

    def test_faults_hit_only_their_calls(self):
        self.sim.inject(faults.Fault(faults.ERROR, 'get_instance_list',
                                     host='node-2', times=1))
        self.assertRaises(nova.NovaError, self.sim.nova.get_instance_list,
                          {'host': 'node-2'})
        self.sim.nova.get_instance_list({'host': 'node-2'})  # times=1
        self.sim.nova.get_instance_list({'host': 'node-3'})

    def test_malformation_spoils_the_asked_host(self):
        self.sim.inject(faults.Fault(
            faults.MALFORMED, 'get_compute_node_by_name', host='node-1',
            malformation='negative memory'))
        found = {h.service_host: h.memory_mb for h in
                 self.sim.nova.get_compute_node_by_name('node-1')}
        self.assertEqual(-1, found['node-1'])
        self.assertTrue(all(m > 0 for h, m in found.items() if h != 'node-1'))

    def test_hang_holds_only_the_calls_it_hits(self):
        self.sim.inject(faults.Fault(faults.HANG, 'get_instance_list',
                                     host='node-2', times=1))
        hung = threading.Thread(target=self.assertRaises, args=(
            nova.Timeout, self.sim.nova.get_instance_list,
            {'host': 'node-2'}))
        hung.start()
        self.assertTrue(self.sim.wait_until(lambda: self.sim.in_flight, 5))
        self.sim.nova.get_instance_list({'host': 'node-2'})  # times=1
        self.sim.release_all()
        hung.join(5)
        self.assertFalse(hung.is_alive())

    def test_listed_node_without_host(self):
        self.sim.inject(faults.Fault(
            faults.MALFORMED, 'get_compute_node_list',
            malformation='service host missing'))
        listed = self.sim.nova.get_compute_node_list()
        self.assertEqual(1, sum(h.service_host is None for h in listed))

    def test_unknown_malformation_refused(self):
        self.assertRaises(ValueError, faults.Fault, faults.MALFORMED,
                          'get_service_list', malformation='bad')


class OracleTest(base.TestCase):

    def test_expected_model_leaves_out_what_it_must(self):
        c = cloud.generate(CLOUD)
        want = oracle.expected(c, datamodel.Scope(zones=['*']))
        hosts = {a['hostname'] for a in want.nodes.values()}
        self.assertFalse({h for h in hosts
                          if h.startswith(('ironic', 'gone'))})
        states = {a['state'] for a in want.instances.values()}
        self.assertNotIn('deleted', states)

    def test_differences_name_what_is_wrong(self):
        c = cloud.generate(CLOUD)
        want = oracle.expected(c)
        nodes = list(want.nodes.values())
        view = datamodel.ModelView(
            nodes=tuple(nodes + nodes[:1]), instances=(), mapping=())
        lines = oracle.differences(want, view)
        self.assertTrue(any('nodes held more than once' in line
                            for line in lines), lines)
        self.assertTrue(any('instances missing' in line for line in lines))
        self.assertEqual([], oracle.differences(want, view,
                                                aspects=('node attributes',)))
