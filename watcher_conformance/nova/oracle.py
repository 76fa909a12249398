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

"""What a correct model of a cloud holds, and how a model differs from it.

The rules are those of :mod:`watcher_conformance.datamodel`; this module is
their one executable statement in the suite.
"""

import collections
import dataclasses
import math

from watcher_conformance import datamodel

RESOURCES = (('VCPU', 'vcpus', 'vcpu_reserved', 'vcpu_ratio', 'vcpus'),
             ('MEMORY_MB', 'memory', 'memory_mb_reserved', 'memory_ratio',
              'memory_mb'),
             ('DISK_GB', 'disk', 'disk_gb_reserved', 'disk_ratio',
              'local_gb'))


@dataclasses.dataclass
class Expected:
    """uuid -> attributes of each node and instance, and instance uuid ->
    node uuid."""

    nodes: dict
    instances: dict
    mapping: dict


def node_attributes(hypervisor, inventories):
    attrs = {'uuid': hypervisor.uuid, 'hostname': hypervisor.service_host,
             'state': hypervisor.state, 'status': hypervisor.status,
             'disabled_reason': hypervisor.service_disabled_reason}
    inventories = inventories or {}
    for rc, total, reserved, ratio, fallback in RESOURCES:
        inventory = inventories.get(rc)
        if inventory is None:
            attrs.update({total: getattr(hypervisor, fallback),
                          reserved: 0, ratio: 1.0})
        else:
            attrs.update({total: inventory.total,
                          reserved: inventory.reserved,
                          ratio: inventory.allocation_ratio})
    return attrs


def instance_attributes(server):
    flavor = server.flavor
    root = 0 if server.image is None else flavor['disk']
    return {'uuid': server.uuid, 'name': server.name,
            'state': server.vm_state, 'memory': flavor['ram'],
            'vcpus': flavor['vcpus'],
            'disk': root + flavor['ephemeral'] + math.ceil(
                flavor['swap'] / 1024),
            'project_id': server.tenant_id, 'locked': server.locked,
            'host': server.host,
            'hypervisor_hostname': server.hypervisor_hostname,
            'metadata': dict(server.metadata)}


def selected_hosts(cloud, scope):
    """The service hosts *scope* selects (before dropping ironic and
    unknown ones)."""
    if scope.whole_cloud:
        return {h.service_host for h in cloud.hypervisors}
    hosts = set()
    every = datamodel.ALL in scope.aggregates
    for agg in cloud.aggregates:
        if every or agg.id in scope.aggregates or agg.name in scope.aggregates:
            hosts.update(agg.hosts)
    every = datamodel.ALL in scope.zones
    for service in cloud.services:
        if every or service.zone in scope.zones:
            hosts.add(service.host)
    return hosts


def expected(cloud, scope=datamodel.Scope(), vanished=()):
    """The model of *cloud* for *scope*, the *vanished* hosts gone."""
    nodes, instances, mapping = {}, {}, {}
    for host in selected_hosts(cloud, scope):
        hypervisor = cloud.by_host.get(host)
        if (hypervisor is None or host in vanished
                or hypervisor.hypervisor_type == 'ironic'):
            continue
        nodes[hypervisor.uuid] = node_attributes(
            hypervisor, cloud.inventories.get(hypervisor.uuid))
        for server in cloud.servers[host]:
            if server.vm_state != 'deleted':
                instances[server.uuid] = instance_attributes(server)
                mapping[server.uuid] = hypervisor.uuid
    return Expected(nodes, instances, mapping)


#: What :func:`differences` can look at.
ASPECTS = ('nodes', 'instances', 'node attributes', 'instance attributes',
           'mapping')


def differences(want, view, aspects=ASPECTS, limit=5, held_only=False):
    """How *view* (a :class:`~watcher_conformance.datamodel.ModelView`)
    differs from *want* (an :class:`Expected`) in *aspects*: one line each,
    at most *limit* examples a line, counts included.

    :param held_only: judge only what *view* holds (an incomplete model):
        what it lacks is no difference, but an instance it holds without
        holding its node is.
    """
    lines = []

    def report(kind, items, aspect, show=str):
        items = sorted(items, key=str)
        if items and aspect in aspects:
            shown = ', '.join(show(i) for i in items[:limit])
            more = len(items) - limit
            lines.append('%d %s: %s%s' % (len(items), kind, shown,
                                          ' and %d more' % more if more > 0
                                          else ''))

    for kind, got, want_attrs, names in (
            ('node', view.nodes, want.nodes, datamodel.NODE_ATTRIBUTES),
            ('instance', view.instances, want.instances,
             datamodel.INSTANCE_ATTRIBUTES)):
        counts = collections.Counter(item['uuid'] for item in got)
        aspect = kind + 's'
        report(aspect + ' held more than once',
               [u for u, n in counts.items() if n > 1], aspect=aspect)
        if not held_only:
            report(aspect + ' missing', set(want_attrs) - set(counts),
                   aspect=aspect)
        report(aspect + ' that should not be there',
               set(counts) - set(want_attrs), aspect=aspect)
        wrong = []
        for item in got:
            expected_attrs = want_attrs.get(item['uuid'])
            if expected_attrs is None:
                continue
            for name in names:
                if item.get(name) != expected_attrs[name]:
                    wrong.append('%s %s=%r (want %r)' % (
                        item['uuid'][:8], name, item.get(name),
                        expected_attrs[name]))
        report('wrong %s attributes' % kind, wrong,
               aspect='%s attributes' % kind)
    pairs = collections.Counter(view.mapping)
    report('mappings held more than once',
           [p for p, n in pairs.items() if n > 1], aspect='mapping')
    got_map = dict(view.mapping)
    held = ({i['uuid'] for i in view.instances} if held_only
            else want.mapping)
    report('instances mapped to the wrong node or not at all',
           [u for u, node in want.mapping.items()
            if u in held and got_map.get(u) != node],
           'mapping', show=lambda u: '%s (want node %s, got %s)' % (
               u[:8], want.mapping[u][:8], got_map.get(u, 'none')[:8]))
    if held_only:
        nodes = {n['uuid'] for n in view.nodes}
        report('instances held without their node',
               [u for u in held if got_map.get(u) not in nodes],
               'mapping')
    report('mappings of instances the model should not hold',
           set(got_map) - set(want.mapping), aspect='mapping')
    return lines
