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

"""One loop for work that brings more work: do_while_futures_modify."""

from reference import threadpool


class NodeCollector:
    """The same collection as with do_while_futures, in one loop: the
    callbacks add the server calls to the collection being awaited.

    :param nova: an object with upstream ``NovaHelper``'s calls.
    """

    def __init__(self, nova):
        self.nova = nova
        self.pool = threadpool.DecisionEngineThreadPool()
        self.nodes = {}    # host -> compute node
        self.servers = {}  # host -> its servers
        self._about = {}   # future -> (what it fetches, the host)

    def collect(self, hosts):
        futures = [self._submit('node', host,
                                self.nova.get_compute_node_by_name, host,
                                servers=True, detailed=True)
                   for host in hosts]
        # Consumes futures: each one is removed once called back, and the
        # ones callbacks append are awaited too. When it returns, every
        # call has been called back and futures is empty.
        self.pool.do_while_futures_modify(futures, self._arrived, futures)

    def _submit(self, what, host, fn, *args, **kwargs):
        future = self.pool.submit(fn, *args, **kwargs)
        self._about[future] = (what, host)
        return future

    def _arrived(self, future, futures):
        what, host = self._about.pop(future)
        # result() raises what the call raised: here the whole collection
        # stops (the exception propagates out of do_while_futures_modify).
        if what == 'servers':
            self.servers[host] = future.result()
            return
        node = next(n for n in future.result() if n.service_host == host)
        self.nodes[host] = node
        if node.servers:
            futures.append(self._submit('servers', host,
                                        self.nova.get_instance_list,
                                        filters={'host': host}))
