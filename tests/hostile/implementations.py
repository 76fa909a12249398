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

"""The hostile implementations, each the reference with one piece made
hostile."""

import threading

from reference import threadpool
from tests import broken


def _submit_hangs_swallowing(self, fn, *args, **kwargs):
    # A hang inside "except Exception", as a defensive wrapper would have
    # it: the suite's bound must still end the check, with its own reason.
    try:
        threading.Event().wait(broken.BOUND)
    except Exception:
        pass
    return threadpool.DecisionEngineThreadPool.submit(self, fn, *args,
                                                      **kwargs)


HANGS_IN_SUBMIT = broken.implementation(
    'hangs-in-submit', type('HangingPool',
                            (threadpool.DecisionEngineThreadPool,),
                            {'submit': _submit_hangs_swallowing}))
