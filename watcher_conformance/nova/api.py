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

"""A cloud served through the calls upstream Watcher's helpers make.

``Simulator(cloud).nova`` has the methods of upstream's ``NovaHelper`` that
the model builder calls, ``.placement`` those of ``PlacementHelper``.
Every call is instrumented; latency, faults and holds make Nova as slow,
broken or stalled as a check needs, at the moment it needs.
"""

import dataclasses
import threading
import time

from oslo_utils import eventletutils

from watcher_conformance import nova
from watcher_conformance.nova import faults as faults_
from watcher_conformance import probes

#: Calls about one host, as opposed to listing calls.
HOST_CALLS = ('get_compute_node_by_name', 'get_instance_list',
              'get_inventories')


@dataclasses.dataclass(eq=False)
class Call:
    """One call made to the simulator."""

    name: str
    host: str
    arguments: dict
    start: float
    thread: str
    end: float = None
    error: Exception = None


class Hold:
    """Calls matching *call* and *host* stop until :meth:`release` (or
    until *timeout* passes: then they raise Timeout)."""

    def __init__(self, call, host, timeout):
        self.call, self.host = call, host
        self.gate = probes.Gate(timeout)
        self.arrived = probes.Recorder()

    def matches(self, call):
        return ((self.call is None or self.call == call.name)
                and (self.host is None or self.host == call.host))

    def release(self):
        self.gate.open()

    def wait_arrived(self, count, timeout):
        """Wait until *count* calls are held; False on timeout."""
        return self.arrived.wait_for_length(count, timeout)


class Rendezvous:
    """Host calls wait until *count* host calls are in flight at once, then
    all go on; if that has not happened within *timeout*, it gives up for
    good (the check that set it then fails on the peak it sees)."""

    def __init__(self, count, timeout):
        self.count, self.timeout = count, timeout
        self.done = False


class Simulator:
    """Serves *cloud* as Nova and Placement.

    :param cloud: a :class:`~watcher_conformance.nova.cloud.Cloud`.
    :param latency: seconds every Nova call takes (a green sleep under
        eventlet).
    :param placement_latency: seconds every Placement call takes (default:
        *latency*).
    :param hold_timeout: seconds a held or hanging call waits at most.
    :param count_reads: the server lists it returns count, in
        ``records_read``, every server a caller takes from them.

    Attributes: ``nova``, ``placement`` (the two APIs), ``calls`` (every
    :class:`Call`, in start order), ``in_flight`` and ``peak`` (calls
    running now, and at most), ``records_read``.
    """

    def __init__(self, cloud, latency=0.0, placement_latency=None,
                 hold_timeout=10.0, count_reads=False):
        self.cloud = cloud
        self.latency = latency
        self.placement_latency = (latency if placement_latency is None
                                  else placement_latency)
        self.hold_timeout = hold_timeout
        self.count_reads = count_reads
        self.records_read = 0
        self.calls = []
        self.in_flight = self.peak = 0
        self.vanished = set()
        self._faults, self._holds = [], []
        self._hangs = []  # the gates of hung calls, one each
        self._rendezvous = None
        self._cond = threading.Condition(threading.Lock())
        self._waiters = 0  # threads in _wait: notify only when there are
        self._green = eventletutils.is_monkey_patched('time')
        self.nova = NovaAPI(self)
        self.placement = PlacementAPI(self)

    # -- the knobs checks turn ------------------------------------------

    def inject(self, *faults):
        """Add :class:`~watcher_conformance.nova.faults.Fault` s."""
        self._faults.extend(faults)

    def vanish(self, host):
        """*host*'s compute node stays listed but is gone when asked for."""
        self.vanished.add(host)

    def hold(self, call=None, host=None):
        """A :class:`Hold` on matching calls, released at
        :meth:`release_all` at the latest."""
        hold = Hold(call, host, self.hold_timeout)
        self._holds.append(hold)
        return hold

    def rendezvous(self, count, timeout):
        self._rendezvous = Rendezvous(count, timeout)

    def release_all(self):
        for hold in self._holds:
            hold.release()
        for gate in self._hangs:
            gate.open()
        with self._cond:
            if self._rendezvous:
                self._rendezvous.done = True
            self._cond.notify_all()

    # -- observing --------------------------------------------------------

    def named(self, name):
        return [c for c in list(self.calls) if c.name == name]

    def wait_for_call(self, name, timeout, host=None):
        """Wait until a call *name* (about *host*) started; False on
        timeout."""
        def started():
            return any(c.name == name and (host is None or c.host == host)
                       for c in self.calls)
        return self._wait(started, timeout)

    def wait_until(self, predicate, timeout):
        """Wait until ``predicate()`` is true, tested each time a call
        starts or ends (or a check releases calls); False on timeout."""
        return self._wait(predicate, timeout)

    def _wait(self, predicate, timeout):
        with self._cond:
            self._waiters += 1
            try:
                return self._cond.wait_for(predicate, timeout)
            finally:
                self._waiters -= 1

    # -- serving ----------------------------------------------------------

    def serve(self, name, host, arguments, answer, latency):
        call = Call(name, host, arguments, time.monotonic(),
                    threading.current_thread().name)
        with self._cond:
            self.calls.append(call)
            self.in_flight += 1
            if self.in_flight > self.peak:
                self.peak = self.in_flight
            if self._waiters:
                self._cond.notify_all()
        try:
            spoil = self._before(call)
            if latency or self._green:
                time.sleep(latency)  # a green thread yields even at 0
            result = answer()
            return spoil(result, call.host) if spoil else result
        except Exception as exc:
            call.error = exc
            raise
        finally:
            call.end = time.monotonic()
            with self._cond:
                self.in_flight -= 1
                if self._waiters:
                    self._cond.notify_all()

    def _before(self, call):
        if self._rendezvous and call.name in HOST_CALLS:
            self._meet(self._rendezvous)
        for hold in self._holds:
            if hold.matches(call):
                hold.arrived.add(call)
                if not hold.gate.wait():
                    raise nova.Timeout('simulated nova: %s held too long'
                                       % call.name)
        spoil = None
        for fault in self._faults:
            if not fault.matches(call):
                continue
            if fault.times is not None:
                fault.times -= 1
            spoil = self._apply(fault, call) or spoil
        return spoil

    def _meet(self, rendezvous):
        if rendezvous.done:
            return
        self._wait(lambda: rendezvous.done
                   or self.in_flight >= rendezvous.count, rendezvous.timeout)
        with self._cond:
            rendezvous.done = True  # met or given up: once is enough
            self._cond.notify_all()

    def _apply(self, fault, call):
        what = '%s(%s)' % (call.name, call.host or '')
        if fault.kind == faults_.ERROR:
            raise nova.NovaError('simulated nova: %s failed: injected error'
                                 % what)
        if fault.kind == faults_.TIMEOUT:
            raise nova.Timeout('simulated nova: %s timed out' % what)
        if fault.kind == faults_.HANG:
            # This call only: a later call hangs if the fault hits it too.
            gate = probes.Gate(self.hold_timeout)
            self._hangs.append(gate)
            gate.wait()
            raise nova.Timeout('simulated nova: %s hung' % what)
        if fault.kind == faults_.SLOW:
            time.sleep(fault.delay)
            return None
        return fault.spoil


class NovaAPI:
    """Upstream ``NovaHelper``'s calls, as the model builder makes them."""

    def __init__(self, simulator):
        self._sim = simulator
        self._cloud = simulator.cloud

    @property
    def cloud(self):
        """The :class:`~watcher_conformance.nova.cloud.Cloud` served: what
        an adapter reads to write the notifications Nova would send."""
        return self._cloud

    def _serve(self, name, host, arguments, answer):
        return self._sim.serve(name, host, arguments, answer,
                               self._sim.latency)

    def get_aggregate_list(self):
        return self._serve('get_aggregate_list', None, {},
                           lambda: list(self._cloud.aggregates))

    def get_service_list(self):
        """The ``nova-compute`` services."""
        return self._serve('get_service_list', None, {},
                           lambda: list(self._cloud.services))

    def get_compute_node_list(self, filter_ironic_nodes=True):
        def answer():
            return [h for h in self._cloud.hypervisors
                    if not (filter_ironic_nodes
                            and h.hypervisor_type == 'ironic')]
        return self._serve('get_compute_node_list', None,
                           {'filter_ironic_nodes': filter_ironic_nodes},
                           answer)

    def get_compute_node_by_name(self, node_name, servers=False,
                                 detailed=False):
        """Compute nodes whose hypervisor hostname *contains* *node_name*
        (Nova's ``hypervisor_hostname_pattern``), as a list.

        :raises NotFound: when none does.
        """
        def answer():
            found = [h for h in self._cloud.hypervisors_matching(node_name)
                     if h.service_host not in self._sim.vanished]
            if not found:
                raise nova.NotFound('simulated nova: no compute node '
                                    'matches %r' % node_name)
            if not servers:
                found = [dataclasses.replace(h, servers=()) for h in found]
            return found
        return self._serve('get_compute_node_by_name',
                           node_name.split('.', 1)[0],
                           {'node_name': node_name, 'servers': servers,
                            'detailed': detailed}, answer)

    def get_instance_list(self, filters=None, marker=None, limit=-1):
        """Servers, filtered by ``{'host': service_host}``; at most *limit*
        of them unless it is -1, after the server *marker*."""
        filters = dict(filters or {})
        host = filters.pop('host', None)

        def answer():
            if filters:
                raise nova.NovaError('simulated nova: unsupported server '
                                     'filters %s' % sorted(filters))
            if host is None:
                found = [s for ss in self._cloud.servers.values() for s in ss]
            elif host in self._sim.vanished:
                found = []
            else:
                found = list(self._cloud.servers.get(host, ()))
            if marker is not None:
                uuids = [s.uuid for s in found]
                if marker not in uuids:
                    raise nova.NotFound('simulated nova: marker %s not found'
                                        % marker)
                found = found[uuids.index(marker) + 1:]
            if limit is not None and limit != -1:
                found = found[:limit]
            if self._sim.count_reads:
                return _CountingList(found, self._sim)
            return found
        return self._serve('get_instance_list', host,
                           {'filters': dict(filters, host=host),
                            'marker': marker, 'limit': limit}, answer)


class _CountingList(list):
    """A list whose iteration counts, on the simulator, the items taken:
    how far a caller's loop over it has got."""

    def __init__(self, items, simulator):
        super().__init__(items)
        self._sim = simulator

    def __iter__(self):
        for item in super().__iter__():
            self._sim.records_read += 1  # one green thread at a time
            yield item


class PlacementAPI:
    """Upstream ``PlacementHelper``'s calls the model builder makes."""

    def __init__(self, simulator):
        self._sim = simulator
        self._cloud = simulator.cloud

    def get_inventories(self, resource_provider_uuid):
        """``{resource class: Inventory}`` of a compute node's provider."""
        host = self._cloud.host_of_provider.get(resource_provider_uuid)

        def answer():
            if host is None or host in self._sim.vanished:
                raise nova.NotFound('simulated placement: no resource '
                                    'provider %s' % resource_provider_uuid)
            return dict(self._cloud.inventories.get(resource_provider_uuid,
                                                    {}))
        return self._sim.serve('get_inventories', host,
                               {'resource_provider_uuid':
                                resource_provider_uuid},
                               answer, self._sim.placement_latency)
