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

"""Behaviour of the reference builder and model beyond what the suite
checks."""

from reference import builder
from reference import model
from tests import base
from watcher_conformance import datamodel
from watcher_conformance.nova import api
from watcher_conformance.nova import cloud


class BuilderTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(base.ReferencePool(4))
        self.sim = api.Simulator(cloud.generate(cloud.Topology(nodes=6)))

    def test_unknown_fault_policy_refused(self):
        self.assertRaises(ValueError, builder.NovaModelBuilder, 'ignore')

    def test_model_answers_queries(self):
        m = builder.NovaModelBuilder().build(self.sim.nova,
                                             self.sim.placement, timeout=5)
        node = m.get_node_by_name('node-2')
        for instance in m.get_node_instances(node):
            self.assertIs(node, m.get_node_by_instance_uuid(instance.uuid))
        self.assertRaises(model.NotFound, m.get_node_by_uuid, 'nope')

    def test_copy_is_independent(self):
        m = builder.NovaModelBuilder().build(self.sim.nova,
                                             self.sim.placement, timeout=5)
        other = m.copy()
        instance = next(iter(m.get_all_instances()))
        other.remove_instance(instance)
        self.assertIn(instance, m.get_all_instances())
        self.assertIsNot(m._lock, other._lock)

    def test_collector_builds_once(self):
        b = builder.NovaModelBuilder()
        c = b.collector(self.sim.nova, self.sim.placement,
                        datamodel.Scope(), timeout=5)
        first = c.get_latest_cluster_data_model()
        calls = len(self.sim.calls)
        second = c.get_latest_cluster_data_model()
        self.assertEqual(calls, len(self.sim.calls))
        self.assertIsNot(first, second)
        self.assertEqual(len(first), len(second))
