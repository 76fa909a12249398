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

"""Completeness: the model holds the whole cloud, once, with the right
attributes, whatever the cloud's shape and however the calls interleave."""

from watcher_conformance import catalogue
from watcher_conformance.contract import MUST
from watcher_conformance.tests.model_builder import base

Scope = base.Scope
MB = 'model_builder.'


class CompletenessTest(base.ModelBuilderTestCase):

    @catalogue.check('66ef72a9-5cf5-4eb4-9e0f-415181d18183', MUST, """
        The model of the whole cloud MUST hold every compute node exactly
        once, whatever the cloud's shape (no node, one, as many as workers,
        many, empty ones).""",
                     covers=(MB + 'nodes.every_node_once',
                             MB + 'complete.marked_complete'))
    def test_every_compute_node_exactly_once(self):
        workers = self.conf.max_workers
        self.assertBuilds(['small', 'no compute node', 'one compute node',
                           base.Topology(nodes=workers, empty_nodes=0,
                                         ironic_nodes=0, seed=13),
                           'only empty nodes', 'many nodes',
                           'stale hosts in aggregates'],
                          aspects=('nodes',))

    @catalogue.check('39a0c18c-f7db-4e78-b7e4-5e146b48c837', MUST, """
        A model MUST NOT hold ironic (baremetal) nodes, nor their instances,
        whether the hosts come from the compute node list or from a scope.
        """, covers=(MB + 'nodes.no_ironic',))
    def test_ironic_nodes_left_out(self):
        self.assertBuilds(['ironic and libvirt'],
                          scopes=[Scope(), Scope(zones=['*']),
                                  Scope(aggregates=['*'])],
                          aspects=('nodes', 'instances'))

    @catalogue.check('fe5e0ceb-2174-494e-87a7-1ab6964e6046', MUST, """
        The model MUST hold every instance that is not deleted exactly once,
        however the instance fetches of the nodes interleave.""",
                     covers=(MB + 'instances.every_live_once',))
    def test_every_live_instance_exactly_once(self):
        self.assertBuilds(['small', 'one compute node', 'many nodes',
                           'mostly deleted'], aspects=('instances',))

    @catalogue.check('5914fcaa-0d11-4ce0-8b37-1ebbabe5d0f1', MUST, """
        The model MUST NOT hold deleted instances (vm_state deleted).""",
                     covers=(MB + 'instances.no_deleted',))
    def test_deleted_instances_left_out(self):
        self.assertBuilds(['mostly deleted'], aspects=('instances',))

    @catalogue.check('a71c5ae5-5bee-4530-b8cc-fc2c68fe260d', MUST, """
        The model MUST hold every instance of a node with more than 1000
        instances (more than one page of Nova's answers).""",
                     covers=(MB + 'instances.every_page',))
    def test_node_over_1000_instances_complete(self):
        self.assertBuilds(['a node over 1000 instances'],
                          aspects=('instances',))

    @catalogue.check('e019854f-475b-456d-bc70-c40fa22ac40b', MUST, """
        Every instance MUST be mapped to the node it runs on, and only to
        it.""", covers=(MB + 'mapping.own_node',))
    def test_instances_mapped_to_their_node(self):
        self.assertBuilds(['small', 'many nodes'], aspects=('mapping',))

    @catalogue.check('70af108f-0371-40b6-841e-ab0188fef660', MUST, """
        A node's capacities MUST come from its Placement inventory (total,
        reserved, allocation ratio) of each class it has, and from the
        hypervisor for a class it lacks or when it has none, with no
        reserve and a ratio of 1, in a model marked complete.""",
                     covers=(MB + 'attributes.node_from_placement',
                             MB + 'attributes.node_fallback'))
    def test_node_attributes(self):
        self.assertBuilds(['every node in placement', 'no node in placement',
                           'small'], aspects=('node attributes',))

    @catalogue.check('0f4a5536-e38b-4296-b70a-aa3b46825cba', MUST, """
        An instance's attributes MUST be those of its server and flavor;
        a volume-backed instance MUST NOT count its flavor's root disk.""",
                     covers=(MB + 'attributes.instance',))
    def test_instance_attributes(self):
        self.assertBuilds(['small', 'many nodes'],
                          aspects=('instance attributes',))

    @catalogue.check('31d5d6b4-9963-4216-b4e3-d2088d0c74f5', MUST, """
        A node MUST be modelled from its own compute node even when its
        name is a prefix of another node's name (Nova matches host names as
        patterns: node-1 also matches node-10), whether the hosts come from
        the compute node list or from a scope.""",
                     covers=(MB + 'hosts.exact_match',))
    def test_host_name_prefixes_not_confused(self):
        # The only check whose cloud has host names that are prefixes of
        # others: a builder taking Nova's first pattern match fails it
        # alone.
        self.assertBuilds(['host names prefixes of others'],
                          scopes=[Scope(), Scope(zones=['*']),
                                  Scope(aggregates=['*'])])

    @catalogue.check('04ee748f-9321-45fa-a859-48d539696f8b', MUST, """
        A cloud without compute nodes MUST give an empty model marked
        complete.""", covers=(MB + 'complete.empty_cloud',))
    def test_empty_cloud_gives_empty_model(self):
        self.assertBuilds(['no compute node', 'only empty nodes'],
                          scopes=[Scope(), Scope(zones=['*'])])
