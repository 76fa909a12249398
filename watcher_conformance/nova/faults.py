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

"""Faults the simulator injects, one :class:`Fault` each."""

import dataclasses

from watcher_conformance.nova import records

#: The call raises NovaError.
ERROR = 'error'
#: The call raises Timeout at once (its HTTP client gave up).
TIMEOUT = 'timeout'
#: The call answers nothing until the simulator releases it, then raises
#: Timeout.
HANG = 'hang'
#: The call takes ``delay`` seconds more.
SLOW = 'slow'
#: The call returns a malformed record.
MALFORMED = 'malformed'
KINDS = (ERROR, TIMEOUT, HANG, SLOW, MALFORMED)


def _first_live(change):
    def spoil(servers, host):
        servers = list(servers)
        for i, server in enumerate(servers):
            if server.vm_state != 'deleted':
                servers[i] = dataclasses.replace(server, **change(server))
                break
        return servers
    return spoil


def _first(**change):
    def spoil(items, host):
        items = list(items)
        if items:
            items[0] = dataclasses.replace(items[0], **change)
        return items
    return spoil


def _host_node(**change):
    # Nova's answer may hold other nodes whose names contain the host's.
    def spoil(hypervisors, host):
        return [dataclasses.replace(h, **change) if h.service_host == host
                else h for h in hypervisors]
    return spoil


def _first_libvirt(**change):
    # The first compute node that is not ironic (a builder skips those).
    def spoil(hypervisors, host):
        hypervisors = list(hypervisors)
        for i, hypervisor in enumerate(hypervisors):
            if hypervisor.hypervisor_type != 'ironic':
                hypervisors[i] = dataclasses.replace(hypervisor, **change)
                break
        return hypervisors
    return spoil


def _negative_totals(inventories, host):
    if not inventories:
        return {'VCPU': records.Inventory(-1, 0, 1, 1, 1, 1.0)}
    return {rc: dataclasses.replace(i, total=-1)
            for rc, i in inventories.items()}


#: call name -> malformation name -> ``spoil(answer, host)``.
MALFORMATIONS = {
    'get_compute_node_by_name': {
        'uuid not a uuid': _host_node(uuid='not-a-uuid'),
        'negative memory': _host_node(memory_mb=-1),
        'vcpus missing': _host_node(vcpus=None),
    },
    'get_instance_list': {
        'flavor without ram': _first_live(lambda s: dict(
            flavor={k: v for k, v in s.flavor.items() if k != 'ram'})),
        'uuid not a uuid': _first_live(lambda s: dict(uuid='not-a-uuid')),
        'negative vcpus': _first_live(lambda s: dict(
            flavor=dict(s.flavor, vcpus=-2))),
    },
    'get_inventories': {'negative total': _negative_totals},
    'get_aggregate_list': {'hosts missing': _first(hosts=None)},
    'get_service_list': {'host missing': _first(host=None)},
    'get_compute_node_list': {
        'service host missing': _first_libvirt(service_host=None)},
}


@dataclasses.dataclass
class Fault:
    """One fault, injected into the calls it matches.

    :param kind: one of :data:`KINDS`.
    :param call: the call name it hits (``get_instance_list``…); None for
        every call.
    :param host: only calls about this service host (by name, by ``host``
        filter, or by the host's resource provider); None for any.
    :param times: how many matching calls it hits; None for all.
    :param delay: extra seconds, for :data:`SLOW`.
    :param malformation: a key of ``MALFORMATIONS[call]``, for
        :data:`MALFORMED`.
    """

    kind: str
    call: str = None
    host: str = None
    times: int = None
    delay: float = 0.0
    malformation: str = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError('unknown fault kind %r' % (self.kind,))
        if self.kind == MALFORMED:
            known = MALFORMATIONS.get(self.call, {})
            if self.malformation not in known:
                raise ValueError('%s cannot be malformed as %r (known: %s)'
                                 % (self.call, self.malformation,
                                    ', '.join(known) or 'none'))

    def matches(self, call):
        return ((self.call is None or self.call == call.name)
                and (self.host is None or self.host == call.host)
                and (self.times is None or self.times > 0))

    def spoil(self, answer, host):
        return MALFORMATIONS[self.call][self.malformation](answer, host)
