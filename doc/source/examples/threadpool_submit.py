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

"""Independent calls at once: submit each, then wait for all of them."""

from futurist import waiters

from reference import threadpool


def aggregates_and_services(nova):
    """Nova's host aggregates and compute services, fetched in parallel.

    :param nova: an object with upstream ``NovaHelper``'s calls.
    """
    pool = threadpool.DecisionEngineThreadPool()
    aggregates = pool.submit(nova.get_aggregate_list)
    services = pool.submit(nova.get_service_list)
    # Both calls are in flight now: this waits as long as the slower one.
    waiters.wait_for_all([aggregates, services])
    # result() raises here, in the caller, whatever the task raised.
    return aggregates.result(), services.result()
