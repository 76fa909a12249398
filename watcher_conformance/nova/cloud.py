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

"""Seeded clouds: compute nodes, servers, aggregates, zones, inventories."""

import bisect
import dataclasses
import random
import types
import uuid

from watcher_conformance.nova import records

_FROZEN = types.MappingProxyType
NO_SPECS = _FROZEN({})
FLAVORS = (
    _FROZEN(dict(ram=512, disk=1, vcpus=1, ephemeral=0, swap=0,
                 extra_specs=NO_SPECS)),
    _FROZEN(dict(ram=2048, disk=20, vcpus=1, ephemeral=0, swap=512,
                 extra_specs=NO_SPECS)),
    _FROZEN(dict(ram=4096, disk=40, vcpus=2, ephemeral=10, swap=0,
                 extra_specs=_FROZEN({'hw:cpu_policy': 'dedicated'}))),
    _FROZEN(dict(ram=8192, disk=80, vcpus=4, ephemeral=20, swap=2048,
                 extra_specs=NO_SPECS)),
)
LIVE_STATES = ('active',) * 6 + ('stopped', 'paused', 'error')
DOMAIN = '.example.org'
CREATED = '2026-11-01T00:00:00Z'


@dataclasses.dataclass(frozen=True)
class Topology:
    """The shape of a generated cloud.

    :param nodes: compute nodes with servers.
    :param instances: servers per node: a number, or ``(low, high)`` drawn
        per node.
    :param empty_nodes: more compute nodes, without servers.
    :param big_nodes: more compute nodes, with ``big_instances`` servers.
    :param big_instances: servers on a big node: more than the 1000 that
        one Nova page holds.
    :param ironic_nodes: ironic (baremetal) nodes, one server each.
    :param deleted: share of servers in vm_state ``deleted``.
    :param aggregates: host aggregates ``agg-1``… (ids 1…), each holding a
        random share of the hosts; they overlap.
    :param stale_hosts: hosts named in aggregates and services that Nova
        has no compute node for.
    :param zones: availability zones ``az-1``… the hosts are spread over.
    :param inventories: share of nodes with Placement inventories (some
        lack a resource class and fall back to the hypervisor).
    :param volume_backed: share of volume-backed servers.
    :param padded: host numbers padded to one width (``node-01`` …
        ``node-24``), so that no host name is a prefix of another and
        Nova's pattern match finds only the host asked for; otherwise
        ``node-1`` is a prefix of ``node-10`` once there are ten nodes.
        The same cloud but for its names.
    :param seed: the random seed: same topology, same cloud.
    """

    nodes: int = 8
    instances: object = (0, 6)
    empty_nodes: int = 1
    big_nodes: int = 0
    big_instances: int = 1001
    ironic_nodes: int = 1
    deleted: float = 0.1
    aggregates: int = 3
    stale_hosts: int = 0
    zones: int = 2
    inventories: float = 0.5
    volume_backed: float = 0.2
    padded: bool = False
    seed: int = 0

    def __str__(self):
        knobs = ('%s=%s' % (f.name, getattr(self, f.name))
                 for f in dataclasses.fields(self)
                 if getattr(self, f.name) != f.default)
        return 'Topology(%s)' % ', '.join(knobs)


class Cloud:
    """What Nova and Placement know, built by :func:`generate`.

    :ivar hypervisors: every compute node, in Nova's (id) order.
    :ivar servers: service host -> its servers, in Nova's order.
    :ivar aggregates: host aggregates.
    :ivar services: ``nova-compute`` services, stale hosts included.
    :ivar inventories: resource provider uuid -> {resource class:
        Inventory}.
    """

    def __init__(self, topology, hypervisors, servers, aggregates, services,
                 inventories):
        self.topology = topology
        self.hypervisors = tuple(hypervisors)
        self.servers = servers
        self.aggregates = tuple(aggregates)
        self.services = tuple(services)
        self.inventories = inventories
        self.by_host = {h.service_host: h for h in self.hypervisors}
        self.host_of_provider = {h.uuid: h.service_host
                                 for h in self.hypervisors}
        self._order = {h.hypervisor_hostname: i
                       for i, h in enumerate(self.hypervisors)}
        # A sorted table of every suffix of every hypervisor hostname, so
        # that Nova's substring match (hypervisor_hostname_pattern is
        # LIKE '%pattern%') costs a bisection, not a scan.
        self._suffixes = sorted(
            (name[i:], name) for name in self._order
            for i in range(len(name)))

    def hypervisors_matching(self, pattern):
        """Compute nodes whose hostname contains *pattern*, in Nova's
        order."""
        suffixes = self._suffixes
        found = set()
        for i in range(bisect.bisect_left(suffixes, (pattern, '')),
                       len(suffixes)):
            suffix, name = suffixes[i]
            if not suffix.startswith(pattern):
                break
            found.add(name)
        order = sorted(self._order[name] for name in found)
        return [self.hypervisors[i] for i in order]

    def find_server(self, uuid):
        """The server *uuid* (what Nova would put in its notifications
        about it), or None."""
        return next((s for servers in self.servers.values() for s in servers
                     if s.uuid == uuid), None)


def generate(topology=Topology()):
    """A cloud of *topology*'s shape, the same for the same topology."""
    return _Generator(topology).cloud()


class _Generator:

    def __init__(self, topology):
        self.t = topology
        self.rng = random.Random(topology.seed)
        self.projects = [self.uuid() for _ in range(5)]

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def counts(self):
        t, rng = self.t, self.rng
        low, high = (t.instances if isinstance(t.instances, tuple)
                     else (t.instances, t.instances))
        return ([rng.randint(low, high) for _ in range(t.nodes)]
                + [0] * t.empty_nodes + [t.big_instances] * t.big_nodes)

    def cloud(self):
        t, rng = self.t, self.rng
        hypervisors, servers, inventories = [], {}, {}
        counts = self.counts()
        width = len(str(len(counts))) if t.padded else 0
        for number, count in enumerate(counts, 1):
            host = 'node-%0*d' % (width, number)
            hypervisor, node_servers = self.node(host, count, 'QEMU')
            hypervisors.append(hypervisor)
            servers[host] = node_servers
            inventory = self.inventory(hypervisor)
            if inventory:
                inventories[hypervisor.uuid] = inventory
        width = len(str(t.ironic_nodes)) if t.padded else 0
        for number in range(1, t.ironic_nodes + 1):
            hypervisor, node_servers = self.node(
                'ironic-%0*d' % (width, number), 1, 'ironic')
            hypervisors.append(hypervisor)
            servers[hypervisor.service_host] = node_servers
        rng.shuffle(hypervisors)  # Nova's id order is not the name order
        hosts = [h.service_host for h in hypervisors]
        hosts += ['gone-%d' % n for n in range(1, t.stale_hosts + 1)]
        return Cloud(t, hypervisors, servers, self.aggregates(hosts),
                     self.services(hosts), inventories)

    def node(self, host, count, kind):
        rng = self.rng
        node_servers = tuple(self.server(host, kind) for _ in range(count))
        enabled = rng.random() < 0.9
        vcpus = rng.choice((16, 32, 64))
        memory = rng.choice((65536, 131072))
        disk = rng.choice((500, 1000))
        hypervisor = records.Hypervisor(
            uuid=self.uuid(), hypervisor_hostname=host + DOMAIN,
            hypervisor_type=kind, state=rng.choice(('up',) * 9 + ('down',)),
            status='enabled' if enabled else 'disabled',
            vcpus=vcpus, vcpus_used=0, memory_mb=memory, memory_mb_used=0,
            local_gb=disk, local_gb_used=0, service_host=host,
            service_id=self.uuid(),
            service_disabled_reason=None if enabled else 'maintenance',
            servers=tuple({'uuid': s.uuid, 'name': s.name}
                          for s in node_servers))
        return hypervisor, node_servers

    def server(self, host, kind):
        t, rng = self.t, self.rng
        state = ('deleted' if rng.random() < t.deleted
                 else rng.choice(LIVE_STATES))
        server_uuid = self.uuid()
        volume_backed = rng.random() < t.volume_backed
        return records.Server(
            uuid=server_uuid, name='vm-' + server_uuid[:8], created=CREATED,
            host=host, vm_state=state, task_state=None, power_state=1,
            status=state.upper(), flavor=rng.choice(FLAVORS),
            tenant_id=rng.choice(self.projects), locked=rng.random() < 0.1,
            metadata=NO_SPECS if rng.random() < 0.8 else _FROZEN(
                {'owner': rng.choice(('ops', 'dev'))}),
            availability_zone=None, pinned_availability_zone=None,
            image=None if volume_backed else {'id': self.uuid()},
            hypervisor_hostname=host + DOMAIN)

    def inventory(self, hypervisor):
        rng = self.rng
        if rng.random() >= self.t.inventories:
            return None
        classes = {'VCPU': (hypervisor.vcpus, (0, 2), (4.0, 16.0)),
                   'MEMORY_MB': (hypervisor.memory_mb, (0, 4096), (1.0, 1.5)),
                   'DISK_GB': (hypervisor.local_gb, (0, 50), (1.0, 2.0))}
        if rng.random() < 0.3:
            del classes['DISK_GB']
        return {rc: records.Inventory(
            total=total, reserved=rng.choice(reserved), min_unit=1,
            max_unit=total, step_size=1, allocation_ratio=rng.choice(ratios))
            for rc, (total, reserved, ratios) in classes.items()}

    def aggregates(self, hosts):
        t, rng = self.t, self.rng
        size = max(1, len(hosts) // max(t.aggregates, 1) + 1)
        return [records.Aggregate(
            id=number, name='agg-%d' % number, availability_zone=None,
            hosts=tuple(sorted(rng.sample(hosts, min(size, len(hosts))))),
            metadata=NO_SPECS) for number in range(1, t.aggregates + 1)]

    def services(self, hosts):
        zones = ['az-%d' % n for n in range(1, max(self.t.zones, 1) + 1)]
        return [records.Service(
            uuid=self.uuid(), binary='nova-compute', host=host,
            zone=zones[i % len(zones)], status='enabled', state='up',
            updated_at=CREATED, disabled_reason=None)
            for i, host in enumerate(hosts)]
